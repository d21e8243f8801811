public import EventSourcing
public import Foundation

/// A person's notification inbox: only its "read" marks are events. The notifications themselves
/// are derived by `projections/notifications.sql` from the domain events that concern the person
/// (a session accepted, a waitlist promotion, a reminder fired, …), so nothing else is written for
/// them.
///
/// Stream `inbox-<userId>`. A notification's id is the log position of the event that caused it
/// (one notification per person and event), so "all read" is a position: everything up to it.
/// Marking again what is already read decides nothing (a retried click changes nothing).
public enum Inbox: Decider {
    /// Why an inbox command was refused.
    public typealias Rejection = Refusal<Inbox>

    /// What the inbox remembers: the marks already made.
    public struct State: Sendable, Equatable {
        /// Everything up to this notification id is read.
        public var allReadUpTo: Int64 = 0
        /// Notifications marked one by one after `allReadUpTo`.
        public var read: Set<Int64> = []
    }

    /// What the owner asks of their inbox; the API checks that the notification is theirs.
    public enum Command: Sendable, Equatable {
        /// Marks one notification read.
        case markRead(notificationID: Int64, by: Principal, now: Date)
        /// Marks every notification up to `upTo` (the newest the caller can see) read.
        case markAllRead(upTo: Int64, by: Principal, now: Date)
    }

    /// Payload of `notifications.read`.
    public struct Read: Codable, Sendable, Equatable {
        public var userId: UUID
        public var notificationId: Int64
        public var at: Date
    }

    /// Payload of `notifications.all-read`.
    public struct AllRead: Codable, Sendable, Equatable {
        public var userId: UUID
        /// Every notification of the person with an id up to this one.
        public var upTo: Int64
        public var at: Date
    }

    /// What happened to an inbox.
    public enum Event: DomainEvent {
        case read(Read)
        case allRead(AllRead)

        public var eventType: String {
            switch self {
            case .read: "notifications.read"
            case .allRead: "notifications.all-read"
            }
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            switch try decoder.eventTypeName() {
            case "notifications.read": self = .read(try c.decode(Read.self))
            case "notifications.all-read": self = .allRead(try c.decode(AllRead.self))
            case let other: throw UnknownEventType(other)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .read(let p): try c.encode(p)
            case .allRead(let p): try c.encode(p)
            }
        }
    }

    public static var initialState: State { State() }

    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .markRead(let id, let principal, let now):
            guard let user = principal.userID else { throw .forbidden("only a person marks their own notifications read") }
            guard id > 0 else { throw .invalid("id", "a notification id is a positive integer") }
            if id <= state.allReadUpTo || state.read.contains(id) { return [] }
            return [.read(Read(userId: user, notificationId: id, at: now))]
        case .markAllRead(let upTo, let principal, let now):
            guard let user = principal.userID else { throw .forbidden("only a person marks their own notifications read") }
            if upTo <= state.allReadUpTo { return [] }
            return [.allRead(AllRead(userId: user, upTo: upTo, at: now))]
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var state = state
        switch event {
        case .read(let e):
            state.read.insert(e.notificationId)
        case .allRead(let e):
            state.allReadUpTo = max(state.allReadUpTo, e.upTo)
            state.read = state.read.filter { $0 > state.allReadUpTo }
        }
        return state
    }
}
