public import Domain
public import GRDB

/// One member, as `GET /communities/{id}/members` lists them (oldest member first).
public struct CommunityMember: Codable, Sendable, Equatable, FetchableRecord {
    /// Lowercase UUID of the user.
    public var userId: String
    public var role: Communities.MemberRole
    /// ISO 8601 UTC.
    public var joinedAt: String
}
