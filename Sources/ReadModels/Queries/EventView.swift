public import Domain
public import GRDB

/// An event as `GET /events` lists it and `GET /events/{id}` shows it.
public struct EventView: Codable, Sendable, Equatable, FetchableRecord {
    /// Lowercase UUID.
    public var id: String
    public var title: String
    public var description: String?
    public var eventType: Gathering.Kind
    /// ISO 8601 UTC, `2026-11-24T18:00:00Z`.
    public var startDate: String
    public var endDate: String
    public var isOnline: Bool
    public var location: String?
    public var meetingUrl: String?
    /// `nil`: no limit.
    public var maxParticipants: Int?
    /// `nil` when the system created it.
    public var creatorId: String?
    public var cancelled: Bool
    public var seatsTaken: Int
    /// `nil` when there is no limit.
    public var seatsLeft: Int?
    /// People waiting for a seat.
    public var waitlistCount: Int
    public var createdAt: String
    /// The caller's registration; only in the detail, when they have one.
    public var viewerRegistration: EventRegistrationStatus?

    /// The columns of `events` under the names of this struct.
    static let columns = """
        id, title, description, event_type AS eventType, start_date AS startDate, end_date AS endDate,
        is_online AS isOnline, location, meeting_url AS meetingUrl, max_participants AS maxParticipants,
        creator_id AS creatorId, cancelled, seats_taken AS seatsTaken,
        CASE WHEN max_participants IS NULL THEN NULL ELSE max(max_participants - seats_taken, 0) END AS seatsLeft,
        waitlist_count AS waitlistCount, created_at AS createdAt
        """
}
