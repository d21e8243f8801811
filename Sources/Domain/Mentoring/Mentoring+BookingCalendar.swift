public import EventSourcing
public import Foundation

extension Mentoring {
    /// One user's booked time: the accepted sessions they take part in, as mentor or as mentee.
    /// Stream `calendar-<userId>`.
    ///
    /// A separate stream per person (rather than a scan of sessions) lets the log's expected
    /// version reject two concurrent acceptances that would double-book the same person.
    public enum BookingCalendar: Decider {
        public typealias Rejection = Mentoring.Rejection

        /// The booked sessions.
        public struct State: Sendable, Equatable {
            public var bookings: [UUID: TimeRange] = [:]

            /// The booked session overlapping `range`, other than `sessionID`, if any (earliest first).
            public func conflict(with range: TimeRange, excluding sessionID: UUID) -> UUID? {
                bookings.filter { $0.key != sessionID && $0.value.overlaps(range) }
                    .min { ($0.value.start, $0.key.uuidString) < ($1.value.start, $1.key.uuidString) }?.key
            }
        }

        /// What can be asked of a calendar.
        public enum Command: Sendable, Equatable {
            case book(userID: UUID, sessionID: UUID, TimeRange, now: Date)
            case release(userID: UUID, sessionID: UUID, now: Date)
        }

        /// Payload of `mentoring.calendar-slot-booked`.
        public struct Booked: Codable, Sendable, Equatable {
            public var userId: UUID
            public var sessionId: UUID
            public var start: Date
            public var end: Date
            public var at: Date
        }

        /// Payload of `mentoring.calendar-slot-released`.
        public struct Released: Codable, Sendable, Equatable {
            public var userId: UUID
            public var sessionId: UUID
            public var at: Date
        }

        /// What happened to a calendar.
        public enum Event: DomainEvent {
            case booked(Booked)
            case released(Released)

            public var eventType: String {
                switch self {
                case .booked: "mentoring.calendar-slot-booked"
                case .released: "mentoring.calendar-slot-released"
                }
            }

            public init(from decoder: any Decoder) throws {
                let c = try decoder.singleValueContainer()
                switch try decoder.eventTypeName() {
                case "mentoring.calendar-slot-booked": self = .booked(try c.decode(Booked.self))
                case "mentoring.calendar-slot-released": self = .released(try c.decode(Released.self))
                case let other: throw UnknownEventType(other)
                }
            }

            public func encode(to encoder: any Encoder) throws {
                var c = encoder.singleValueContainer()
                switch self {
                case .booked(let p): try c.encode(p)
                case .released(let p): try c.encode(p)
                }
            }
        }

        public static var initialState: State { State() }

        public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
            switch command {
            case .book(let userID, let sessionID, let range, let now):
                if state.bookings[sessionID] == range { return [] }
                if let other = state.conflict(with: range, excluding: sessionID) {
                    throw .conflict("the time overlaps session \(other.uuidString.lowercased()), already accepted")
                }
                return [.booked(Booked(userId: userID, sessionId: sessionID, start: range.start, end: range.end, at: now))]
            case .release(let userID, let sessionID, let now):
                guard state.bookings[sessionID] != nil else { return [] }
                return [.released(Released(userId: userID, sessionId: sessionID, at: now))]
            }
        }

        public static func evolve(_ state: State, _ event: Event) -> State {
            var state = state
            switch event {
            case .booked(let e): state.bookings[e.sessionId] = TimeRange(start: e.start, end: e.end)
            case .released(let e): state.bookings[e.sessionId] = nil
            }
            return state
        }
    }
}
