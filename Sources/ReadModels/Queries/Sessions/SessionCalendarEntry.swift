public import Domain

/// One session in a user's calendar (`GET /mentors/calendar`, JSON or iCalendar).
///
/// For iCalendar: `uid` → UID, `sequence` → SEQUENCE, `start`/`end` → DTSTART/DTEND (UTC),
/// `updatedAt` → LAST-MODIFIED, and `status` → STATUS (requested: TENTATIVE; accepted, in_progress,
/// completed: CONFIRMED; declined, cancelled: CANCELLED, so clients drop their copy).
public struct SessionCalendarEntry: Codable, Sendable, Equatable {
    /// The other party of the session.
    public struct Counterpart: Codable, Sendable, Equatable {
        /// Lowercase UUID.
        public var userId: String
        /// Their side of the session.
        public var role: Mentoring.Party
        /// "First Last"; `nil` when unknown or erased.
        public var name: String?

        /// A counterpart.
        public init(userId: String, role: Mentoring.Party, name: String?) {
            self.userId = userId
            self.role = role
            self.name = name
        }
    }

    /// Stable across changes: `<sessionId>@protalent`.
    public var uid: String
    public var sessionId: String
    public var sequence: Int
    public var status: Mentoring.SessionStatus
    /// ISO 8601 UTC.
    public var start: String
    public var end: String
    public var title: String
    public var description: String?
    public var counterpart: Counterpart
    public var updatedAt: String

    /// A calendar entry.
    public init(
        uid: String, sessionId: String, sequence: Int, status: Mentoring.SessionStatus, start: String, end: String, title: String,
        description: String?, counterpart: Counterpart, updatedAt: String
    ) {
        self.uid = uid
        self.sessionId = sessionId
        self.sequence = sequence
        self.status = status
        self.start = start
        self.end = end
        self.title = title
        self.description = description
        self.counterpart = counterpart
        self.updatedAt = updatedAt
    }
}
