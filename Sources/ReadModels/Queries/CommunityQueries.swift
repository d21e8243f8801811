public import Domain
public import Foundation
import GRDB
public import Projections

extension ProjectionSet {
    /// The typed queries over `projections/communities.sql`.
    ///
    /// - Throws: `ReadModelError.unknown` when the set has no `communities` projection.
    public var communities: CommunityQueries {
        get throws { CommunityQueries(storage: try readModel("communities")) }
    }
}

/// Reads of the communities read model: lists, details, members and posts, with the privacy rule
/// of private communities (only members read their posts and members).
///
/// Every method reads one consistent snapshot and throws `ReadModelError.notBuilt` before the
/// projection's first build.
public struct CommunityQueries: Sendable {
    /// The read model.
    public let storage: SQLiteProjectionStorage

    /// Queries over `storage` (a `communities.sql` read model).
    public init(storage: SQLiteProjectionStorage) {
        self.storage = storage
    }

    /// `GET /communities?category=&country=&q=`: alphabetical by name, paged.
    public func list(_ filter: CommunityFilter = CommunityFilter(), page: PageRequest = PageRequest()) throws -> Page<CommunityView> {
        let (sql, arguments) = Self.listSQL(filter, page)
        let rows = try storage.read { db in try CommunityView.fetchAll(db, sql: sql, arguments: arguments) }
        return page.page(rows) { PageCursor(key: $0.name, id: $0.id) }
    }

    /// `GET /communities/{id}`, with where `viewer` stands in it; `nil` when there is no such community.
    public func community(id: UUID, viewer: UUID? = nil) throws -> CommunityView? {
        try storage.read { db in
            guard var community = try CommunityView.fetchOne(
                db, sql: "SELECT \(CommunityView.columns) FROM communities WHERE id = ?", arguments: [QueryText.id(id)]
            ) else { return nil }
            community.viewerMembership = try viewer.map { try Self.membership(of: $0, in: id, db) } ?? CommunityMembership.none
            return community
        }
    }

    /// `GET /communities/{id}/members`: oldest member first, paged. Private communities show their
    /// members to members (and platform moderators) only.
    public func members(of communityID: UUID, viewer: Principal?, page: PageRequest = PageRequest()) throws -> CommunityAccess<Page<CommunityMember>> {
        try content(of: communityID, viewer: viewer, Self.membersSQL(communityID, page), page) { PageCursor(key: $0.joinedAt, id: $0.userId) }
    }

    /// `GET /communities/{id}/posts`: newest first, paged, removed posts left out. Anyone reads a
    /// public community; a private one answers `.notAMember` to all but its members and platform
    /// moderators.
    public func posts(in communityID: UUID, viewer: Principal?, page: PageRequest = PageRequest()) throws -> CommunityAccess<Page<CommunityPost>> {
        try content(of: communityID, viewer: viewer, Self.postsSQL(communityID, page), page) { PageCursor(key: $0.createdAt, id: $0.id) }
    }

    /// One post, under the same rule as the list; a removed post is `.notFound`.
    public func post(id postID: UUID, viewer: Principal?) throws -> CommunityAccess<CommunityPost> {
        try storage.read { db in
            guard let post = try CommunityPost.fetchOne(
                db, sql: "SELECT \(CommunityPost.columns) FROM community_posts WHERE id = ? AND removed = 0", arguments: [QueryText.id(postID)]
            ), let communityID = UUID(uuidString: post.communityId) else { return .notFound }
            return try Self.access(communityID, viewer, db) { post }
        }
    }

    /// The communities `userID` is a member of, asked to join or was banned from (for the export).
    public func communities(ofUser userID: UUID) throws -> [UserCommunity] {
        try storage.read { db in
            try UserCommunity.fetchAll(db, sql: Self.userCommunitiesSQL, arguments: [QueryText.id(userID)])
        }
    }

    /// Every post `userID` wrote, removed ones included (`removed: true`), oldest first (for the export).
    public func posts(byUser userID: UUID) throws -> [CommunityPost] {
        try storage.read { db in
            try CommunityPost.fetchAll(
                db, sql: "SELECT \(CommunityPost.columns) FROM community_posts WHERE author_id = ? ORDER BY created_at, id",
                arguments: [QueryText.id(userID)]
            )
        }
    }

    /// One page of a community's content (`query`), when `viewer` may read it.
    private func content<Item: FetchableRecord & Sendable & Encodable>(
        of communityID: UUID, viewer: Principal?, _ query: (String, StatementArguments), _ page: PageRequest,
        cursor: (Item) -> PageCursor
    ) throws -> CommunityAccess<Page<Item>> {
        let (sql, arguments) = query
        let rows: CommunityAccess<[Item]> = try storage.read { db in
            try Self.access(communityID, viewer, db) { try Item.fetchAll(db, sql: sql, arguments: arguments) }
        }
        return rows.map { page.page($0, cursor: cursor) }
    }

    /// The page of `list`: alphabetical, through the index of the most selective filter.
    static func listSQL(_ filter: CommunityFilter, _ page: PageRequest) -> (String, StatementArguments) {
        var query = ListQuery()
        if let category = filter.category { query.require("category = ?", [category.rawValue]) }
        if let country = filter.country { query.require("country_code = ?", [country.uppercased()]) }
        query.contains(filter.query, in: ["name", "description"])
        if let cursor = page.cursor { query.require("(name, id) > (?, ?)", [cursor.key, cursor.id]) }
        return query.sql(select: CommunityView.columns, from: "communities", orderBy: "name, id", limit: page.limit)
    }

    /// The page of `members`: oldest member first.
    static func membersSQL(_ communityID: UUID, _ page: PageRequest) -> (String, StatementArguments) {
        var query = ListQuery()
        query.require("community_id = ?", [QueryText.id(communityID)])
        if let cursor = page.cursor { query.require("(joined_at, user_id) > (?, ?)", [cursor.key, cursor.id]) }
        return query.sql(
            select: "user_id AS userId, role, joined_at AS joinedAt", from: "community_members", orderBy: "joined_at, user_id", limit: page.limit
        )
    }

    /// The page of `posts`: newest first, removed posts left out.
    static func postsSQL(_ communityID: UUID, _ page: PageRequest) -> (String, StatementArguments) {
        var query = ListQuery()
        query.require("community_id = ? AND removed = 0", [QueryText.id(communityID)])
        if let cursor = page.cursor { query.require("(created_at, id) < (?, ?)", [cursor.key, cursor.id]) }
        return query.sql(select: CommunityPost.columns, from: "community_posts", orderBy: "created_at DESC, id DESC", limit: page.limit)
    }

    /// Where `userID` stands in the community: a ban first (a banned user is no longer a member),
    /// then the membership, then a pending request.
    static func membership(of userID: UUID, in communityID: UUID, _ db: Database) throws -> CommunityMembership {
        let arguments: StatementArguments = [QueryText.id(communityID), QueryText.id(userID)]
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM community_bans WHERE community_id = ? AND user_id = ?", arguments: arguments) != nil {
            return .banned
        }
        if let role = try String.fetchOne(db, sql: "SELECT role FROM community_members WHERE community_id = ? AND user_id = ?", arguments: arguments) {
            return CommunityMembership(rawValue: role) ?? .member
        }
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM community_join_requests WHERE community_id = ? AND user_id = ?", arguments: arguments) != nil {
            return .pending
        }
        return .none
    }

    /// Runs `read` when `viewer` may read the community's content: it exists, and it is public, or
    /// the viewer is a member or a platform moderator.
    static func access<Value: Sendable>(
        _ communityID: UUID, _ viewer: Principal?, _ db: Database, _ read: () throws -> Value
    ) throws -> CommunityAccess<Value> {
        guard let isPrivate = try Bool.fetchOne(db, sql: "SELECT is_private FROM communities WHERE id = ?", arguments: [QueryText.id(communityID)]) else {
            return .notFound
        }
        if isPrivate, viewer?.isPlatformModerator != true {
            guard let userID = viewer?.userID, try membership(of: userID, in: communityID, db).isMember else { return .notAMember }
        }
        return .granted(try read())
    }

    /// The rows of `communities(ofUser:)`: memberships, pending requests and bans, each through its by-user index.
    static let userCommunitiesSQL = """
        SELECT m.community_id AS communityId, c.name, m.role AS status, m.joined_at AS since
        FROM community_members m JOIN communities c ON c.id = m.community_id WHERE m.user_id = ?1
        UNION ALL
        SELECT r.community_id, c.name, 'pending', r.requested_at
        FROM community_join_requests r JOIN communities c ON c.id = r.community_id WHERE r.user_id = ?1
        UNION ALL
        SELECT b.community_id, c.name, 'banned', b.banned_at
        FROM community_bans b JOIN communities c ON c.id = b.community_id WHERE b.user_id = ?1
        ORDER BY since, communityId
        """
}
