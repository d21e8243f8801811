/// One event of the audit index (`projections/audit.sql`): where it is in the log and who did it.
///
/// The log itself is the tamper-evident record; this only finds the position fast.
public struct AuditEntry: Codable, Sendable, Equatable {
    /// The event's global position in the log.
    public var position: Int64
    public var stream: String
    /// Its version in the stream (1 for the first event).
    public var streamVersion: Int64
    public var type: String
    /// Lowercase UUID.
    public var eventId: String
    /// A user id, `system`, an operator, or `nil` when unknown.
    public var actor: String?
    /// When the log recorded it, ISO 8601 UTC (`2026-11-24T18:00:00Z`).
    public var time: String

    /// An entry.
    public init(position: Int64, stream: String, streamVersion: Int64, type: String, eventId: String, actor: String?, time: String) {
        self.position = position
        self.stream = stream
        self.streamVersion = streamVersion
        self.type = type
        self.eventId = eventId
        self.actor = actor
        self.time = time
    }
}
