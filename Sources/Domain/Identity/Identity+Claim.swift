public import EventSourcing
public import Foundation

/// What makes one kind of unique claim: its stream's event names, the payload field holding the key,
/// and the refusal when someone else holds it (`Identity.EmailAddressKey`, `Identity.ProviderIdentityKey`).
public protocol IdentityClaimKind: Sendable {
    /// The event type of a claim taken, e.g. `identity.email-claimed`.
    static var claimedType: String { get }
    /// The event type of a claim given back, e.g. `identity.email-released`.
    static var releasedType: String { get }
    /// The payload field naming the key, e.g. `emailKey`.
    static var keyField: String { get }
    /// The refusal when another account holds the claim.
    static var taken: Identity.Rejection { get }
}

extension Identity {
    /// One unique thing's claim: which account holds it. A stream per thing (`email-<emailKey>`,
    /// `provider-<subjectKey>`) because the log enforces expected versions per stream: whoever
    /// appends the claim first wins, the other append fails its expected version.
    public enum Claim<Kind: IdentityClaimKind>: Decider {
        public typealias Rejection = Identity.Rejection

        /// The holder, if any.
        public struct State: Codable, Sendable, Equatable {
            /// The account holding the claim; `nil` when free.
            public var holder: UUID?
        }

        /// What can be asked of a claim.
        public enum Command: Sendable, Equatable {
            /// Take it for `userID` (taking it again is nothing: a retried request).
            case claim(key: String, userID: UUID, now: Date)
            /// Give it back (account erased, address changed, identity unlinked).
            case release(key: String, userID: UUID, now: Date)
        }

        /// Payload of both events: `{"<Kind.keyField>": key, "userId": …, "at": …}`.
        public struct Change: Codable, Sendable, Equatable {
            public var key: String
            public var userId: UUID
            public var at: Date

            public init(key: String, userId: UUID, at: Date) {
                self.key = key
                self.userId = userId
                self.at = at
            }

            private struct Field: CodingKey {
                var stringValue: String
                var intValue: Int? { nil }
                init(_ name: String) { stringValue = name }
                init?(stringValue: String) { self.stringValue = stringValue }
                init?(intValue: Int) { nil }
            }

            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: Field.self)
                key = try container.decode(String.self, forKey: Field(Kind.keyField))
                userId = try container.decode(UUID.self, forKey: Field("userId"))
                at = try container.decode(Date.self, forKey: Field("at"))
            }

            public func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Field.self)
                try container.encode(key, forKey: Field(Kind.keyField))
                try container.encode(userId, forKey: Field("userId"))
                try container.encode(at, forKey: Field("at"))
            }
        }

        /// What happened to a claim.
        public enum Event: DomainEvent {
            case claimed(Change)
            case released(Change)

            public var eventType: String {
                switch self {
                case .claimed: Kind.claimedType
                case .released: Kind.releasedType
                }
            }

            public init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                switch try decoder.eventTypeName() {
                case Kind.claimedType: self = .claimed(try container.decode(Change.self))
                case Kind.releasedType: self = .released(try container.decode(Change.self))
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
                if state.holder == userID { return [] }  // a retried request
                if state.holder != nil { throw Kind.taken }
                return [.claimed(Change(key: key, userId: userID, at: now))]
            case .release(let key, let userID, let now):
                guard state.holder == userID else { return [] }  // nothing of theirs to release
                return [.released(Change(key: key, userId: userID, at: now))]
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
