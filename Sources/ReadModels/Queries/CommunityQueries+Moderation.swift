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
    public func pendingJoinRequests(_ page: PageRequest = PageRequest(limit: 50)) throws -> Page<PendingJoinRequest> {
        let after = page.cursor.map { [$0.key, $0.id] } ?? ["", ""]
        let rows = try storage.read { db in
            try PendingJoinRequest.fetchAll(db, sql: """
                SELECT r.community_id AS communityId, c.name AS communityName, r.user_id AS userId, r.requested_at AS requestedAt
                FROM community_join_requests r JOIN communities c ON c.id = r.community_id
                WHERE (r.requested_at, r.community_id || ' ' || r.user_id) > (?, ?)
                ORDER BY r.requested_at, r.community_id, r.user_id LIMIT ?
                """, arguments: [after[0], after[1], page.limit + 1])
        }
        return page.page(rows) { PageCursor(key: $0.requestedAt, id: "\($0.communityId) \($0.userId)") }
    }

    /// The newest posts not removed, across every community, in insertion order, newest first.
    public func recentPosts(_ page: PageRequest = PageRequest(limit: 50)) throws -> Page<ModeratedPost> {
        let rows = try storage.read { db in
            try Row.fetchAll(db, sql: """
                SELECT p.rowid AS position, p.id, p.community_id AS communityId, c.name AS communityName, p.author_id AS authorId,
                       p.title, p.body, p.created_at AS createdAt
                FROM community_posts p JOIN communities c ON c.id = p.community_id
                WHERE p.removed = 0 AND p.rowid < ?
                ORDER BY p.rowid DESC LIMIT ?
                """, arguments: [page.cursor.map { Int64($0.id) ?? 0 } ?? Int64.max, page.limit + 1]).map { row in
                (position: row["position"] as Int64, post: try ModeratedPost(row: row))
            }
        }
        let positions = Dictionary(rows.map { ($0.post.id, $0.position) }, uniquingKeysWith: { first, _ in first })
        return page.page(rows.map(\.post)) { PageCursor(key: "", id: String(positions[$0.id] ?? 0)) }
    }

    /// Bans in every community, newest first.
    public func bans(_ page: PageRequest = PageRequest(limit: 50)) throws -> Page<CommunityBan> {
        let rows = try storage.read { db in
            try CommunityBan.fetchAll(db, sql: """
                SELECT b.community_id AS communityId, c.name AS communityName, b.user_id AS userId, b.banned_by AS bannedBy,
                       b.banned_at AS bannedAt
                FROM community_bans b JOIN communities c ON c.id = b.community_id
                WHERE (b.banned_at, b.community_id || ' ' || b.user_id) < (?, ?)
                ORDER BY b.banned_at DESC, b.community_id DESC, b.user_id DESC LIMIT ?
                """, arguments: [page.cursor?.key ?? "\u{10FFFF}", page.cursor?.id ?? "", page.limit + 1])
        }
        return page.page(rows) { PageCursor(key: $0.bannedAt, id: "\($0.communityId) \($0.userId)") }
    }
}
