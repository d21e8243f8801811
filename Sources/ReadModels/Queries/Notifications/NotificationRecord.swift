/// One notification as `projections/notifications.sql` holds it, before the API writes its title
/// and body in the reader's language.
public struct NotificationRecord: Sendable, Equatable, Encodable {
    /// Whose inbox it is in (lowercase UUID).
    public var recipientId: String
    /// The log position of the event that caused it: unique per person, growing with time.
    public var id: Int64
    /// The contract's kind (`session_accepted`, `waitlist_promoted`, …).
    public var kind: String
    /// The session, event, community or scholarship it is about.
    public var subjectId: String?
    /// That subject's title or name (`[erased]` when its author was erased).
    public var subjectTitle: String?
    /// When the session or event starts, the scholarship closes (ISO 8601 UTC, seconds).
    public var subjectAt: String?
    /// Who did it (`nil`: the platform).
    public var actorId: String?
    /// When it happened (ISO 8601 UTC, seconds).
    public var createdAt: String
    /// When its reader marked it read.
    public var readAt: String?
}
