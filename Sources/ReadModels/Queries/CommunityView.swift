public import Domain
public import GRDB

/// A community as `GET /communities` lists it and `GET /communities/{id}` shows it.
public struct CommunityView: Codable, Sendable, Equatable, FetchableRecord {
    /// Lowercase UUID.
    public var id: String
    public var name: String
    public var description: String?
    public var category: Communities.Category
    /// ISO 3166-1 code, uppercase.
    public var countryCode: String?
    public var city: String?
    public var isPrivate: Bool
    public var ownerId: String
    public var memberCount: Int
    /// Posts not removed.
    public var postCount: Int
    /// ISO 8601 UTC, `2026-11-24T18:00:00Z`.
    public var createdAt: String
    /// Creation, the last join or the last post.
    public var lastActivityAt: String
    /// The caller's standing here; only in the detail (`nil`, and absent from the JSON, in lists).
    public var viewerMembership: CommunityMembership?

    /// The columns of `communities` under the names of this struct.
    static let columns = """
        id, name, description, category, country_code AS countryCode, city, is_private AS isPrivate,
        owner_id AS ownerId, member_count AS memberCount, post_count AS postCount,
        created_at AS createdAt, last_activity_at AS lastActivityAt
        """
}
