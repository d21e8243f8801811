public import GRDB

/// One community a user belongs to, asked to join or was banned from (their data export).
public struct UserCommunity: Codable, Sendable, Equatable, FetchableRecord {
    /// Lowercase UUID of the community.
    public var communityId: String
    public var name: String
    /// `member`, `moderator`, `owner`, `pending` or `banned`.
    public var status: CommunityMembership
    /// When they joined, asked or were banned: ISO 8601 UTC.
    public var since: String
}
