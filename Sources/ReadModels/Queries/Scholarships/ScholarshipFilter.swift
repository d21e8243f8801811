public import Domain

/// The filters of `GET /scholarships?q=&country=&level=&field=&open=true`.
///
/// A scholarship with an empty eligibility list (no restriction) matches every country, level or
/// field asked for.
public struct ScholarshipFilter: Sendable, Hashable {
    /// A plain substring of the title, provider or description (case-insensitive for ASCII letters).
    public var query: String?
    /// ISO 3166-1 code (compared uppercase).
    public var country: String?
    public var level: EducationLevel?
    /// A field of study, matched whole, case-insensitively (ASCII).
    public var field: String?
    /// Only scholarships still taking applications: not closed and the deadline still ahead.
    public var openOnly: Bool

    /// Filters; `nil` leaves a dimension open.
    public init(query: String? = nil, country: String? = nil, level: EducationLevel? = nil, field: String? = nil, openOnly: Bool = false) {
        self.query = query
        self.country = country
        self.level = level
        self.field = field
        self.openOnly = openOnly
    }
}
