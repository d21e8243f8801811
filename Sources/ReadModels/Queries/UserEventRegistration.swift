public import GRDB

/// One registration of a user, with the event's title and dates (their data export).
public struct UserEventRegistration: Codable, Sendable, Equatable, FetchableRecord {
    public var eventId: String
    public var title: String
    /// ISO 8601 UTC.
    public var startDate: String
    public var status: EventRegistrationStatus.Status
    public var waitlistPosition: Int?
    /// When they (last) asked for a seat.
    public var registeredAt: String
    public var updatedAt: String
}
