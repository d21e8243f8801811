/// An item a recommendation or an answer points to: `{id, kind, title}`.
public struct ItemReference: Codable, Sendable, Hashable {
    /// The item's id (lowercase UUID), or a career's catalog id.
    public var id: String
    /// `mentor`, `scholarship`, `event`, `community`, `post`, `person` or `career`.
    public var kind: String
    /// Its title or name.
    public var title: String

    /// A reference.
    public init(id: String, kind: String, title: String) {
        self.id = id
        self.kind = kind
        self.title = title
    }
}
