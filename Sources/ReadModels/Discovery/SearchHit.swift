/// One search result: `{id, kind, title, summary?, date?}`.
public struct SearchHit: Codable, Sendable, Hashable {
    /// The item's id (lowercase UUID): a user id for people and mentors.
    public var id: String
    /// What the item is.
    public var kind: SearchKind
    /// Its name or title.
    public var title: String
    /// A line under the title (field of study, expertise, provider, description start).
    public var summary: String?
    /// Event start, scholarship deadline or post publication, ISO 8601 UTC.
    public var date: String?

    /// A hit.
    public init(id: String, kind: SearchKind, title: String, summary: String? = nil, date: String? = nil) {
        self.id = id
        self.kind = kind
        self.title = title
        self.summary = summary
        self.date = date
    }
}
