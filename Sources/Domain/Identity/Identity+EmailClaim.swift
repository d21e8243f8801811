public import EventSourcing
public import Foundation

extension Identity {
    /// One email address's claim: who holds it. Stream `email-<emailKey>`.
    ///
    /// Uniqueness needs a stream per address because the log enforces expected versions per
    /// stream: whoever appends the claim first wins, the other append fails its expected version.
    public enum EmailClaim: Decider {
        public typealias Rejection = Identity.Rejection

        /// The holder of the address, if any.
        public struct State: Codable, Sendable, Equatable {
            /// The user holding the address; `nil` when free.
            public var holder: UUID?
        }

        /// What can be asked of a claim.
        public enum Command: Sendable, Equatable {
            /// Take the address for `userID`.
            case claim(emailKey: String, userID: UUID, now: Date)
            /// Give the address back (account erased, or email changed).
            case release(emailKey: String, userID: UUID, now: Date)
        }

        /// Payload of `identity.email-claimed` and `identity.email-released`.
        public struct Change: Codable, Sendable, Equatable {
            public var emailKey: String
            public var userId: UUID
            public var at: Date
            public init(emailKey: String, userId: UUID, at: Date) {
                self.emailKey = emailKey
                self.userId = userId
                self.at = at
            }
        }

        /// What happened to a claim.
        public enum Event: DomainEvent {
            case claimed(Change)
            case released(Change)

            public var eventType: String {
                switch self {
                case .claimed: "identity.email-claimed"
                case .released: "identity.email-released"
                }
            }

            public init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                switch try decoder.eventTypeName() {
                case "identity.email-claimed": self = .claimed(try container.decode(Change.self))
                case "identity.email-released": self = .released(try container.decode(Change.self))
                case let other: throw UnknownEventType(other)
                }
            }

            public func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                switch self {
                case .claimed(let payload), .released(let payload): try container.encode(payload)
                }
            }
        }

        public static var initialState: State { State(holder: nil) }

        public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
            switch command {
            case .claim(let key, let userID, let now):
                if state.holder == userID { return [] }  // a retried registration
                if state.holder != nil {
                    throw .conflict("an account with this email already exists; log in or reset the password", field: "email")
                }
                return [.claimed(Change(emailKey: key, userId: userID, at: now))]
            case .release(let key, let userID, let now):
                guard state.holder == userID else { return [] }  // nothing of theirs to release
                return [.released(Change(emailKey: key, userId: userID, at: now))]
            }
        }

        public static func evolve(_ state: State, _ event: Event) -> State {
            switch event {
            case .claimed(let change): State(holder: change.userId)
            case .released: State(holder: nil)
            }
        }
    }
}

extension Identity.EmailClaim: SnapshottableDecider {
    /// Version 1: `{"holder": <uuid or absent>}`.
    public static var stateSchemaVersion: Int { 1 }
}
