/// The answer of `POST /ai/chat`: `{reply, intent, citations: [{id, kind, title}]}`.
public struct ChatAnswer: Codable, Sendable, Hashable {
    /// The reply, built from the platform's data; it names every cited item.
    public var reply: String
    /// What the message was understood to ask (`ChatIntent`).
    public var intent: ChatIntent
    /// The items the reply used, in the order it names them.
    public var citations: [ItemReference]
}
