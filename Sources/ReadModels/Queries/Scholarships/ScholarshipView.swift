public import Domain

/// A scholarship as `GET /scholarships` lists it and `GET /scholarships/{id}` shows it.
///
/// `eligibility` has the request body's shape: the hard conditions (`educationLevels`,
/// `fieldsOfStudy`, `countries`, `requirements`) apart from the soft `preferences`, which only rank.
public struct ScholarshipView: Codable, Sendable, Equatable {
    /// Lowercase UUID.
    public var id: String
    public var title: String
    public var description: String
    public var provider: String
    public var amount: Money?
    public var applicationFee: Money?
    /// ISO 8601 UTC, `2026-11-24T18:00:00Z`.
    public var deadline: String
    public var applicationUrl: String?
    public var eligibility: Scholarships.Eligibility
    /// Whether it was closed by an admin.
    public var closed: Bool
    /// Not closed and the deadline still ahead (at the time of the query).
    public var open: Bool
    public var closedAt: String?
    public var createdAt: String
    public var updatedAt: String

    /// A scholarship view.
    public init(
        id: String, title: String, description: String, provider: String, amount: Money?, applicationFee: Money?, deadline: String,
        applicationUrl: String?, eligibility: Scholarships.Eligibility, closed: Bool, open: Bool, closedAt: String?, createdAt: String,
        updatedAt: String
    ) {
        self.id = id
        self.title = title
        self.description = description
        self.provider = provider
        self.amount = amount
        self.applicationFee = applicationFee
        self.deadline = deadline
        self.applicationUrl = applicationUrl
        self.eligibility = eligibility
        self.closed = closed
        self.open = open
        self.closedAt = closedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
