public import EventSourcing
public import Foundation

extension Identity {
    /// One OpenID Connect identity's claim: the account it signs into. Stream `provider-<subjectKey>`.
    ///
    /// As with `EmailClaim`, a stream per identity lets the log's expected versions make the link
    /// unique: two sign-ups racing with one identity cannot both hold it.
    public enum ProviderClaim: Decider {
        public typealias Rejection = Identity.Rejection

        /// The account holding the identity, if any.
        public struct State: Codable, Sendable, Equatable {
            /// `nil` when no account holds it.
            public var holder: UUID?
        }

        /// What can be asked of a claim.
        public enum Command: Sendable, Equatable {
            /// Link the identity to `userID`.
            case claim(subjectKey: String, userID: UUID, now: Date)
            /// Free it (unlinked, or the account erased).
            case release(subjectKey: String, userID: UUID, now: Date)
        }

        /// Payload of `identity.provider-claimed` and `identity.provider-released`.
        public struct Change: Codable, Sendable, Equatable {
            public var subjectKey: String
            public var userId: UUID
            public var at: Date
        }

        /// What happened to a claim.
        public enum Event: DomainEvent {
            case claimed(Change)
            case released(Change)

            public var eventType: String {
                switch self {
                case .claimed: "identity.provider-claimed"
                case .released: "identity.provider-released"
                }
            }

            public init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                switch try decoder.eventTypeName() {
                case "identity.provider-claimed": self = .claimed(try container.decode(Change.self))
                case "identity.provider-released": self = .released(try container.decode(Change.self))
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
                if state.holder == userID { return [] }
                if state.holder != nil { throw .conflict("this provider identity is linked to another account") }
                return [.claimed(Change(subjectKey: key, userId: userID, at: now))]
            case .release(let key, let userID, let now):
                guard state.holder == userID else { return [] }
                return [.released(Change(subjectKey: key, userId: userID, at: now))]
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
