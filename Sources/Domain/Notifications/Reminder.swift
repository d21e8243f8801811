public import EventSourcing
public import Foundation

/// A reminder that fires once: a session in an hour, an event tomorrow, a fitting scholarship's
/// deadline in seven days.
///
/// What is due, and when, is derived from the domain events by `projections/notifications.sql`
/// (its `reminders` table: a session accepted schedules one per party, a cancellation removes
/// them), so scheduling writes nothing. Firing is an event in a stream of its own,
/// `reminder-<key>`: the scheduler fires through the command path, the store appends only at the
/// version it decided on, and a stream that already holds `reminders.reminder-fired` refuses a
/// second one. Two schedulers (a restart, a failover) can race; one reminder, one event.
public enum Reminder: Decider {
    /// Why a reminder command was refused.
    public typealias Rejection = Refusal<Reminder>

    /// What a reminder is about.
    public enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
        /// A mentoring session starts in an hour.
        case sessionReminder = "session_reminder"
        /// An event the person registered for starts tomorrow.
        case eventReminder = "event_reminder"
        /// A scholarship that fits the person closes in seven days.
        case scholarshipDeadline = "scholarship_deadline"
    }

    /// A due reminder, as the scheduler found it in the read model.
    public struct Due: Sendable, Equatable {
        /// The reminder's key (its stream is `reminder-<key>`).
        public var key: String
        public var kind: Kind
        /// The session, event or scholarship.
        public var subjectId: UUID
        /// Who is reminded (the fitting people of a scholarship, found when it fires).
        public var recipients: [UUID]
        /// When it was due.
        public var dueAt: Date

        public init(key: String, kind: Kind, subjectId: UUID, recipients: [UUID], dueAt: Date) {
            self.key = key
            self.kind = kind
            self.subjectId = subjectId
            self.recipients = recipients
            self.dueAt = dueAt
        }
    }

    /// Whether the reminder fired.
    public struct State: Sendable, Equatable {
        public var firedAt: Date?
    }

    /// What the scheduler asks.
    public enum Command: Sendable, Equatable {
        /// Fires a due reminder (the system only).
        case fire(Due, by: Principal, now: Date)
    }

    /// Payload of `reminders.reminder-fired`.
    public struct Fired: Codable, Sendable, Equatable {
        public var key: String
        public var kind: Kind
        public var subjectId: UUID
        public var recipients: [UUID]
        public var dueAt: Date
        public var at: Date
    }

    /// What happened to a reminder.
    public enum Event: DomainEvent {
        case fired(Fired)

        public var eventType: String { "reminders.reminder-fired" }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            switch try decoder.eventTypeName() {
            case "reminders.reminder-fired": self = .fired(try c.decode(Fired.self))
            case let other: throw UnknownEventType(other)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .fired(let p): try c.encode(p)
            }
        }
    }

    public static var initialState: State { State() }

    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .fire(let due, let principal, let now):
            guard principal == .system else { throw .forbidden("only the platform's scheduler fires reminders") }
            guard state.firedAt == nil else { throw .conflict("this reminder already fired") }
            guard due.dueAt <= now else { throw .conflict("this reminder is not due yet") }
            return [.fired(Fired(key: due.key, kind: due.kind, subjectId: due.subjectId, recipients: due.recipients, dueAt: due.dueAt, at: now))]
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        switch event {
        case .fired(let e): State(firedAt: e.at)
        }
    }
}
