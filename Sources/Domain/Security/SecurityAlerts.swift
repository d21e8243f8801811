public import EventSourcing
public import Foundation

/// Security alerts (intrusion detection): what the detectors saw, recorded in the log. Stream
/// `security-alerts`; the state keeps the most recent alerts for `GET /admin/alerts`.
public enum SecurityAlerts: Decider {
    public typealias Rejection = Refusal<SecurityAlerts>

    /// What an alert is about (the word used in `?kind=`, metrics and the webhook).
    public enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
        /// Many failed logins from one IP address.
        case loginFailuresFromAddress = "login_failures_ip"
        /// Many failed logins on one account.
        case loginFailuresOnAccount = "login_failures_account"
        /// A spent refresh token presented again (a stolen copy): the login was revoked.
        case refreshTokenReplay = "refresh_token_replay"
        /// Two-factor authentication turned off.
        case twoFactorDisabled = "two_factor_disabled"
        /// Wrong two-factor codes, repeatedly, on one account.
        case twoFactorFailures = "two_factor_failures"
        /// A role granted (or changed) by an admin or the system.
        case roleGranted = "role_granted"
        /// An admin signed in from a network not seen for them before.
        case adminNewNetwork = "admin_new_network"
        /// Many personal-data exports in a short time.
        case exportBurst = "export_burst"
        /// Many account erasures in a short time.
        case erasureBurst = "erasure_burst"
        /// Many 403/404 answers to one client (probing).
        case probing
    }

    /// One alert.
    public struct Alert: Codable, Sendable, Equatable {
        public var alertId: UUID
        public var kind: Kind
        /// The account concerned, when there is one.
        public var userId: UUID?
        /// The client address or network concerned, when there is one.
        public var source: String?
        /// How many occurrences crossed the threshold (1 for single events).
        public var count: Int
        /// One line for the operator.
        public var detail: String
        public var at: Date

        public init(alertId: UUID, kind: Kind, userId: UUID? = nil, source: String? = nil, count: Int = 1, detail: String, at: Date) {
            self.alertId = alertId
            self.kind = kind
            self.userId = userId
            self.source = source
            self.count = count
            self.detail = detail
            self.at = at
        }
    }

    /// The recent alerts, oldest first.
    public struct State: Sendable, Equatable {
        public var recent: [Alert] = []
    }

    /// How many alerts the state keeps (older ones stay in the log).
    public static let keptAlerts = 1_000

    /// What can be asked.
    public enum Command: Sendable, Equatable {
        /// Record an alert (idempotent by id).
        case raise(Alert)
    }

    /// What happened.
    public enum Event: DomainEvent {
        case raised(Alert)

        public var eventType: String { "security.alert-raised" }

        public init(from decoder: any Decoder) throws {
            switch try decoder.eventTypeName() {
            case "security.alert-raised": self = .raised(try decoder.singleValueContainer().decode(Alert.self))
            case let other: throw UnknownEventType(other)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .raised(let alert): try container.encode(alert)
            }
        }
    }

    public static var initialState: State { State() }

    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .raise(let alert):
            if state.recent.contains(where: { $0.alertId == alert.alertId }) { return [] }
            return [.raised(alert)]
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var state = state
        switch event {
        case .raised(let alert):
            state.recent.append(alert)
            if state.recent.count > keptAlerts { state.recent.removeFirst(state.recent.count - keptAlerts) }
        }
        return state
    }
}
