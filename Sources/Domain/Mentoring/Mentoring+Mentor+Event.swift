public import EventSourcing
public import Foundation

extension Mentoring.Mentor {
    /// Payload of `mentoring.mentor-registered` and `mentoring.mentor-profile-updated`: the whole profile.
    public struct ProfileSet: Codable, Sendable, Equatable {
        public var mentorId: UUID
        public var expertiseAreas: [String]
        public var experienceYears: Int
        public var hourlyRate: Money?
        /// ISO 639 codes, lowercased.
        public var languages: [String]
        /// IANA identifier; `availability` times are local to it.
        public var timeZone: String
        public var availability: [AvailabilitySlot]
        public var at: Date
    }

    /// Payload of `mentoring.mentor-verified`.
    public struct Verified: Codable, Sendable, Equatable {
        public var mentorId: UUID
        /// The admin; `nil` for the system.
        public var verifiedBy: UUID?
        public var at: Date
    }

    /// Payload of `mentoring.mentor-rated`.
    public struct Rated: Codable, Sendable, Equatable {
        public var mentorId: UUID
        public var sessionId: UUID
        public var rating: Int
        public var at: Date
    }

    /// What happened to a mentor.
    public enum Event: DomainEvent {
        case registered(ProfileSet)
        case profileUpdated(ProfileSet)
        case verified(Verified)
        case rated(Rated)

        public var eventType: String {
            switch self {
            case .registered: "mentoring.mentor-registered"
            case .profileUpdated: "mentoring.mentor-profile-updated"
            case .verified: "mentoring.mentor-verified"
            case .rated: "mentoring.mentor-rated"
            }
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            switch try decoder.eventTypeName() {
            case "mentoring.mentor-registered": self = .registered(try c.decode(ProfileSet.self))
            case "mentoring.mentor-profile-updated": self = .profileUpdated(try c.decode(ProfileSet.self))
            case "mentoring.mentor-verified": self = .verified(try c.decode(Verified.self))
            case "mentoring.mentor-rated": self = .rated(try c.decode(Rated.self))
            case let other: throw UnknownEventType(other)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .registered(let p), .profileUpdated(let p): try c.encode(p)
            case .verified(let p): try c.encode(p)
            case .rated(let p): try c.encode(p)
            }
        }
    }
}
