public import GRDB

/// One post, as `GET /communities/{id}/posts` lists it (newest first) and the author's export holds it.
///
/// `title` and `body` are the author's words: `"[erased]"` once the author was erased (and the
/// projection rebuilt).
public struct CommunityPost: Codable, Sendable, Equatable, FetchableRecord {
    /// Lowercase UUID.
    public var id: String
    public var communityId: String
    public var authorId: String
    public var title: String?
    public var body: String
    /// ISO 8601 UTC.
    public var createdAt: String
    /// Always `false` in lists (removed posts are never listed); the export shows removed posts too.
    public var removed: Bool

    /// The columns of `community_posts` under the names of this struct.
    static let columns = "id, community_id AS communityId, author_id AS authorId, title, body, created_at AS createdAt, removed"
}
