public import GRDB

/// One entry of a user's event calendar (`GET /events/calendar`), ready for JSON or iCalendar.
///
/// `uid` stays the same for an event; `sequence` grows with every change to the event or to the
/// user's registration, so calendar clients replace the entry they hold.
public struct EventCalendarEntry: Codable, Sendable, Equatable, FetchableRecord {
    /// What the entry says of the user's place.
    public enum Status: String, Codable, Sendable, Hashable {
        /// Registered for an event that takes place.
        case confirmed
        /// The registration was withdrawn, or the event called off.
        case cancelled
    }

    /// `<eventId>@protalent` (iCalendar UID).
    public var uid: String
    /// iCalendar SEQUENCE.
    public var sequence: Int
    public var status: Status
    public var eventId: String
    public var title: String
    public var description: String?
    /// ISO 8601 UTC, `2026-11-24T18:00:00Z`.
    public var start: String
    public var end: String
    /// Where, for an in-person event.
    public var location: String?
    /// The meeting link, for an online event.
    public var url: String?
    /// When the entry last changed (iCalendar LAST-MODIFIED / DTSTAMP).
    public var updatedAt: String
}
