public import GRDB
import Projections

/// A request to join a private community, waiting for an answer.
public struct PendingJoinRequest: Codable, Sendable, Equatable, FetchableRecord {
    public var communityId: String
    public var communityName: String
    /// Lowercase UUID of the user asking.
    public var userId: String
    /// ISO 8601 UTC.
    public var requestedAt: String
}

/// A user banned from a community.
public struct CommunityBan: Codable, Sendable, Equatable, FetchableRecord {
    public var communityId: String
    public var communityName: String
    public var userId: String
    /// Who banned them (`nil`: the platform).
    public var bannedBy: String?
    /// ISO 8601 UTC.
    public var bannedAt: String
}

/// A post with the name of its community, as a moderation queue lists it.
public struct ModeratedPost: Codable, Sendable, Equatable, FetchableRecord {
    public var id: String
    public var communityId: String
    public var communityName: String
    public var authorId: String
    public var title: String?
    public var body: String
    /// ISO 8601 UTC.
    public var createdAt: String
}

extension CommunityQueries {
    /// Join requests waiting in every community, oldest first (the console's moderation queue).
    public func pendingJoinRequests(limit: Int = 100) throws -> [PendingJoinRequest] {
        try storage.read { db in
            try PendingJoinRequest.fetchAll(db, sql: """
                SELECT r.community_id AS communityId, c.name AS communityName, r.user_id AS userId, r.requested_at AS requestedAt
                FROM community_join_requests r JOIN communities c ON c.id = r.community_id
                ORDER BY r.requested_at, r.community_id, r.user_id LIMIT ?
                """, arguments: [limit])
        }
    }

    /// The newest posts not removed, across every community (insertion order, newest first).
    public func recentPosts(limit: Int = 50) throws -> [ModeratedPost] {
        try storage.read { db in
            try ModeratedPost.fetchAll(db, sql: """
                SELECT p.id, p.community_id AS communityId, c.name AS communityName, p.author_id AS authorId, p.title, p.body,
                       p.created_at AS createdAt
                FROM community_posts p JOIN communities c ON c.id = p.community_id
                WHERE p.removed = 0 ORDER BY p.rowid DESC LIMIT ?
                """, arguments: [limit])
        }
    }

    /// Bans in every community, newest first.
    public func bans(limit: Int = 100) throws -> [CommunityBan] {
        try storage.read { db in
            try CommunityBan.fetchAll(db, sql: """
                SELECT b.community_id AS communityId, c.name AS communityName, b.user_id AS userId, b.banned_by AS bannedBy,
                       b.banned_at AS bannedAt
                FROM community_bans b JOIN communities c ON c.id = b.community_id
                ORDER BY b.banned_at DESC LIMIT ?
                """, arguments: [limit])
        }
    }
}
