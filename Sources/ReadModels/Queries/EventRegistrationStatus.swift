public import GRDB

/// A user's registration for one event: `{status, waitlistPosition?}`.
public struct EventRegistrationStatus: Codable, Sendable, Equatable, FetchableRecord {
    /// Where a registration stands.
    public enum Status: String, Codable, Sendable, Hashable {
        case registered, waitlisted, cancelled
    }

    public var status: Status
    /// 1 for the first in line; only while waitlisted.
    public var waitlistPosition: Int?

    /// A status, with the waitlist place when waitlisted.
    public init(status: Status, waitlistPosition: Int? = nil) {
        self.status = status
        self.waitlistPosition = waitlistPosition
    }
}
