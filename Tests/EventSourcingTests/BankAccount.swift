import EventSourcing
import Foundation

/// A small test-only decider: an account that opens with an owner's name (personal data), takes
/// deposits and refuses overdrafts. `bank.deposited` is at schema version 2 (version 1 had no currency).
enum BankAccount: SnapshottableDecider {
    struct State: Codable, Sendable, Equatable {
        var id: UUID?
        var owner: Personal<String>?
        var balance = 0
        var deposits = 0
    }

    enum Command: Sendable {
        case open(id: UUID, owner: String)
        /// `times` deposits of `amount` each.
        case deposit(Int, times: Int = 1)
        case withdraw(Int)
    }

    struct Opened: Codable, Sendable, Equatable {
        var id: UUID
        var owner: Personal<String>
    }

    struct Deposited: Codable, Sendable, Equatable {
        var amount: Int
        var currency: String
    }

    struct Withdrawn: Codable, Sendable, Equatable {
        var amount: Int
    }

    enum Event: DomainEvent {
        case opened(Opened)
        case deposited(Deposited)
        case withdrawn(Withdrawn)

        var eventType: String {
            switch self {
            case .opened: "bank.opened"
            case .deposited: "bank.deposited"
            case .withdrawn: "bank.withdrawn"
            }
        }

        var personalDataSubject: UUID? {
            if case .opened(let opened) = self { return opened.id }
            return nil
        }

        static func schemaVersion(of eventType: String) -> Int {
            eventType == "bank.deposited" ? 2 : 1
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            switch try decoder.eventTypeName() {
            case "bank.opened": self = .opened(try container.decode(Opened.self))
            case "bank.deposited": self = .deposited(try container.decode(Deposited.self))
            case "bank.withdrawn": self = .withdrawn(try container.decode(Withdrawn.self))
            case let other: throw UnknownEventType(other)
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .opened(let payload): try container.encode(payload)
            case .deposited(let payload): try container.encode(payload)
            case .withdrawn(let payload): try container.encode(payload)
            }
        }
    }

    struct Rejection: DomainRejection {
        var category: RejectionCategory
        var message: String
    }

    static var initialState: State { State() }
    static var stateSchemaVersion: Int { 1 }
    static func personalDataSubject(of state: State) -> UUID? { state.id }

    static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .open(let id, let owner):
            guard state.id == nil else { throw Rejection(category: .conflict, message: "the account is already open") }
            return [.opened(Opened(id: id, owner: Personal(owner)))]
        case .deposit(let amount, let times):
            guard state.id != nil else { throw Rejection(category: .notFound, message: "no such account") }
            return Array(repeating: .deposited(Deposited(amount: amount, currency: "EUR")), count: times)
        case .withdraw(let amount):
            guard state.id != nil else { throw Rejection(category: .notFound, message: "no such account") }
            guard amount <= state.balance else {
                throw Rejection(category: .conflict, message: "insufficient funds: the balance is \(state.balance)")
            }
            return [.withdrawn(Withdrawn(amount: amount))]
        }
    }

    static func evolve(_ state: State, _ event: Event) -> State {
        var state = state
        switch event {
        case .opened(let opened):
            state.id = opened.id
            state.owner = opened.owner
        case .deposited(let deposited):
            state.balance += deposited.amount
            state.deposits += 1
        case .withdrawn(let withdrawn):
            state.balance -= withdrawn.amount
        }
        return state
    }
}
