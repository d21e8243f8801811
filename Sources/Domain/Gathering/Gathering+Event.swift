public import EventSourcing
public import Foundation

extension Gathering {
    /// Payload of `gatherings.event-created`.
    public struct Created: Codable, Sendable, Equatable {
        public var eventId: UUID
        public var createdBy: UUID?
        public var title: String
        public var description: String?
        public var eventType: Kind
        public var startDate: Date
        public var endDate: Date
        public var isOnline: Bool
        public var location: String?
        public var meetingUrl: String?
        public var maxParticipants: Int?
        public var at: Date
    }

    /// Payload of registration events: `registered`, `registration-cancelled`, `waitlist-left`, `waitlist-promoted`.
    public struct Registration: Codable, Sendable, Equatable {
        public var eventId: UUID
        public var userId: UUID
        public var at: Date
    }

    /// Payload of `gatherings.waitlisted`.
    public struct Waitlisted: Codable, Sendable, Equatable {
        public var eventId: UUID
        public var userId: UUID
        /// 1 for the first in line.
        public var position: Int
        public var at: Date
    }

    /// Payload of `gatherings.event-cancelled`.
    public struct Cancelled: Codable, Sendable, Equatable {
        public var eventId: UUID
        public var cancelledBy: UUID?
        public var reason: String?
        public var at: Date
    }

    /// What happened to an event.
    public enum Event: DomainEvent {
        case created(Created)
        case registered(Registration)
        case waitlisted(Waitlisted)
        case registrationCancelled(Registration)
        case waitlistLeft(Registration)
        case waitlistPromoted(Registration)
        case cancelled(Cancelled)

        public var eventType: String {
            switch self {
            case .created: "gatherings.event-created"
            case .registered: "gatherings.registered"
            case .waitlisted: "gatherings.waitlisted"
            case .registrationCancelled: "gatherings.registration-cancelled"
            case .waitlistLeft: "gatherings.waitlist-left"
            case .waitlistPromoted: "gatherings.waitlist-promoted"
            case .cancelled: "gatherings.event-cancelled"
            }
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            switch try decoder.eventTypeName() {
            case "gatherings.event-created": self = .created(try c.decode(Created.self))
            case "gatherings.registered": self = .registered(try c.decode(Registration.self))
            case "gatherings.waitlisted": self = .waitlisted(try c.decode(Waitlisted.self))
            case "gatherings.registration-cancelled": self = .registrationCancelled(try c.decode(Registration.self))
            case "gatherings.waitlist-left": self = .waitlistLeft(try c.decode(Registration.self))
            case "gatherings.waitlist-promoted": self = .waitlistPromoted(try c.decode(Registration.self))
            case "gatherings.event-cancelled": self = .cancelled(try c.decode(Cancelled.self))
            case let other: throw UnknownEventType(other)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .created(let p): try c.encode(p)
            case .registered(let p), .registrationCancelled(let p), .waitlistLeft(let p), .waitlistPromoted(let p): try c.encode(p)
            case .waitlisted(let p): try c.encode(p)
            case .cancelled(let p): try c.encode(p)
            }
        }
    }
}
