public import EventSourcing
public import Foundation

/// Events (webinars, conferences, …) people register for. Named `Gathering` so it never clashes
/// with a domain event.
///
/// Streams:
/// - `gathering-<eventId>`: every `Gathering.Event` of one event: created, registrations,
///   waitlist entries and promotions, cancellations.
///
/// Rules: mentors, moderators and admins create events; registration is refused after the start
/// and on a cancelled event; past capacity registrants wait in strict arrival order, and a freed
/// seat goes to the first of them in the same decision.
public enum Gathering: Decider {
    /// The kinds of event, as the contract spells them.
    public enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
        case webinar, conference, workshop, networking, seminar
    }

    /// Why a gathering command was refused.
    public typealias Rejection = Refusal<Gathering>

    /// What `POST /events` carries.
    public struct Details: Sendable, Equatable {
        public var title: String
        public var description: String?
        public var eventType: Kind
        public var startDate: Date
        public var endDate: Date
        public var isOnline: Bool
        public var location: String?
        public var meetingUrl: String?
        public var maxParticipants: Int?

        public init(
            title: String, description: String? = nil, eventType: Kind, startDate: Date, endDate: Date, isOnline: Bool,
            location: String? = nil, meetingUrl: String? = nil, maxParticipants: Int? = nil
        ) {
            self.title = title
            self.description = description
            self.eventType = eventType
            self.startDate = startDate
            self.endDate = endDate
            self.isOnline = isOnline
            self.location = location
            self.meetingUrl = meetingUrl
            self.maxParticipants = maxParticipants
        }
    }

    /// What callers ask of an event.
    public enum Command: Sendable, Equatable {
        case create(eventID: UUID, Details, by: Principal, now: Date)
        /// Register the caller: a seat, or a place on the waitlist.
        case register(by: Principal, now: Date)
        /// Withdraw the caller's registration or waitlist place.
        case cancelRegistration(by: Principal, now: Date)
        /// Call the event off (its creator or an admin).
        case cancel(reason: String?, by: Principal, now: Date)
    }

    /// What an event's stream remembers.
    public struct State: Sendable, Equatable {
        public var eventID: UUID?
        public var creatorID: UUID?
        public var startDate: Date?
        public var maxParticipants: Int?
        public var cancelled = false
        /// Registered participants, in registration order.
        public var registered: [UUID] = []
        /// Waiting registrants, first in line first.
        public var waitlist: [UUID] = []

        /// Whether a seat is free.
        public var hasFreeSeat: Bool { maxParticipants.map { registered.count < $0 } ?? true }
    }

    public static var initialState: State { State() }
}
