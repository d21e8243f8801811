public import Domain

/// The filters of `GET /communities?category=&country=&q=`.
public struct CommunityFilter: Sendable, Hashable {
    public var category: Communities.Category?
    /// ISO 3166-1 code (compared uppercase).
    public var country: String?
    /// A plain substring of the name or the description (case-insensitive for ASCII letters).
    public var query: String?

    /// Filters; `nil` leaves a dimension open.
    public init(category: Communities.Category? = nil, country: String? = nil, query: String? = nil) {
        self.category = category
        self.country = country
        self.query = query
    }
}
