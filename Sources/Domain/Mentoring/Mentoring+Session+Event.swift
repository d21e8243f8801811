public import EventSourcing
public import Foundation

extension Mentoring.Session {
    /// Payload of `mentoring.session-requested`. Title and description are the mentee's words.
    public struct Requested: Codable, Sendable, Equatable {
        public var sessionId: UUID
        public var mentorId: UUID
        public var menteeId: UUID
        public var title: Personal<String>
        public var description: Personal<String>?
        public var scheduledAt: Date
        public var durationMinutes: Int
        public var at: Date
    }

    /// Payload of `mentoring.session-accepted`.
    public struct Accepted: Codable, Sendable, Equatable {
        public var sessionId: UUID
        public var mentorId: UUID
        public var menteeId: UUID
        public var scheduledAt: Date
        public var endsAt: Date
        public var at: Date
    }

    /// Payload of `mentoring.session-declined` and `mentoring.session-cancelled`.
    public struct Ended: Codable, Sendable, Equatable {
        public var sessionId: UUID
        /// Who declined or cancelled (an admin may cancel too).
        public var by: UUID?
        /// Their reason, in their words.
        public var reason: Personal<String>?
        public var at: Date
    }

    /// Payload of `mentoring.session-started` and `mentoring.session-completed`.
    public struct Progressed: Codable, Sendable, Equatable {
        public var sessionId: UUID
        public var by: UUID
        public var at: Date
    }

    /// Payload of `mentoring.session-feedback-given`.
    public struct FeedbackGiven: Codable, Sendable, Equatable {
        public var sessionId: UUID
        public var authorId: UUID
        public var authorRole: Mentoring.Party
        public var recipientId: UUID
        public var rating: Int
        public var comment: Personal<String>?
        public var at: Date
    }

    /// What happened to a session.
    public enum Event: DomainEvent {
        case requested(Requested)
        case accepted(Accepted)
        case declined(Ended)
        case cancelled(Ended)
        case started(Progressed)
        case completed(Progressed)
        case feedbackGiven(FeedbackGiven)

        public var eventType: String {
            switch self {
            case .requested: "mentoring.session-requested"
            case .accepted: "mentoring.session-accepted"
            case .declined: "mentoring.session-declined"
            case .cancelled: "mentoring.session-cancelled"
            case .started: "mentoring.session-started"
            case .completed: "mentoring.session-completed"
            case .feedbackGiven: "mentoring.session-feedback-given"
            }
        }

        /// The author of the personal text the event carries.
        public var personalDataSubject: UUID? {
            switch self {
            case .requested(let e): e.menteeId
            case .declined(let e), .cancelled(let e): e.reason == nil ? nil : e.by
            case .feedbackGiven(let e): e.comment == nil ? nil : e.authorId
            case .accepted, .started, .completed: nil
            }
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            switch try decoder.eventTypeName() {
            case "mentoring.session-requested": self = .requested(try c.decode(Requested.self))
            case "mentoring.session-accepted": self = .accepted(try c.decode(Accepted.self))
            case "mentoring.session-declined": self = .declined(try c.decode(Ended.self))
            case "mentoring.session-cancelled": self = .cancelled(try c.decode(Ended.self))
            case "mentoring.session-started": self = .started(try c.decode(Progressed.self))
            case "mentoring.session-completed": self = .completed(try c.decode(Progressed.self))
            case "mentoring.session-feedback-given": self = .feedbackGiven(try c.decode(FeedbackGiven.self))
            case let other: throw UnknownEventType(other)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .requested(let p): try c.encode(p)
            case .accepted(let p): try c.encode(p)
            case .declined(let p), .cancelled(let p): try c.encode(p)
            case .started(let p), .completed(let p): try c.encode(p)
            case .feedbackGiven(let p): try c.encode(p)
            }
        }
    }
}
