import Cryptography
import Domain
public import EventSourcing
import Foundation
import Synchronization

/// The detectors: counts what requests and the log show in sliding windows and raises an alert
/// when a count reaches its threshold (then stays quiet for that key for one window), or at once
/// for single events. Raised alerts go to the stream of the running `AlertService` (`subscribe()`),
/// which records, counts and sends them on; nothing here waits, so no request is slowed by detection.
public final class AlertMonitor: Sendable {
    /// The thresholds in force.
    public let thresholds: AlertThresholds
    let clock: Clock
    /// Where raised alerts go: the stream of the service running now (one per run of a server on
    /// this platform), `nil` while none runs.
    private let continuation = Mutex<AsyncStream<SecurityAlerts.Alert>.Continuation?>(nil)

    private struct Window {
        var times: [Date] = []
        var quietUntil: Date?
    }

    private struct State {
        var windows: [String: Window] = [:]
        /// The networks each admin signed in from (since start, plus those earlier alerts named).
        var adminNetworks: [UUID: Set<String>] = [:]
    }

    private let state = Mutex(State())
    /// Keys tracked at most (the oldest windows are dropped: a flood of addresses costs bounded memory).
    static let capacity = 100_000

    /// A monitor with `thresholds`, dating alerts by `clock`.
    public init(thresholds: AlertThresholds, clock: Clock) {
        self.thresholds = thresholds
        self.clock = clock
    }

    /// A new stream of the alerts raised from now on, replacing (and ending) the previous one.
    func subscribe() -> AsyncStream<SecurityAlerts.Alert> {
        let (stream, next) = AsyncStream.makeStream(of: SecurityAlerts.Alert.self, bufferingPolicy: .bufferingNewest(10_000))
        continuation.withLock { current in
            current?.finish()
            current = next
        }
        return stream
    }

    // MARK: Inputs

    /// A request answered: failed logins and 403/404 per address, exports per caller.
    func requestFinished(method: String, path: String, status: Int, address: String?, userID: UUID?) {
        let source = address ?? "unknown"
        if method == "POST", path == "/auth/login", status == 401 || status == 403 || status == 429 {
            count(.loginFailuresFromAddress, key: source, threshold: thresholds.loginFailuresFromAddress, source: source) { n in
                "\(n) failed logins from \(source) within \(self.thresholds.window) s"
            }
        }
        if status == 403 || status == 404 {
            count(.probing, key: source, threshold: thresholds.probing, source: source) { n in
                "\(n) answers 403/404 to \(source) within \(self.thresholds.window) s"
            }
        }
        if method == "GET", path == "/users/me/export", status == 200 {
            let key = userID?.uuidString ?? source
            count(.exportBurst, key: key, threshold: thresholds.exports, userID: userID, source: source) { n in
                "\(n) personal-data exports within \(self.thresholds.window) s"
            }
        }
    }

    /// An admin signed in from `address`: an alert when its network is new for them (the first
    /// network seen for an admin since the server started is learned without one).
    func adminSignedIn(_ userID: UUID, address: String?) {
        guard let address else { return }
        let network = Self.network(of: address)
        let isNew = state.withLock { state in
            let known = state.adminNetworks[userID]
            defer { state.adminNetworks[userID, default: []].insert(network) }
            return known.map { !$0.contains(network) } ?? false
        }
        if isNew { raise(.adminNewNetwork, userID: userID, source: network, count: 1, detail: "an admin signed in from \(network), a network not seen for them") }
    }

    /// Remembers an earlier alert's admin network (at start, from the log), so it is not new again.
    func learn(_ alert: SecurityAlerts.Alert) {
        guard alert.kind == .adminNewNetwork, let userID = alert.userId, let network = alert.source else { return }
        state.withLock { _ = $0.adminNetworks[userID, default: []].insert(network) }
    }

    /// An account event from the log.
    func accountEvent(_ event: Identity.Account.Event) {
        switch event {
        case .loginFailed(let failed):
            count(.loginFailuresOnAccount, key: failed.userId.uuidString, threshold: thresholds.loginFailuresOnAccount, userID: failed.userId) { n in
                "\(n) failed logins on one account within \(self.thresholds.window) s"
            }
            if failed.reason != .badPassword { twoFactorFailed(failed.userId) }
        case .confirmationFailed(let failed) where failed.reason != .badPassword:
            twoFactorFailed(failed.userId)
        case .refreshFamilyRevoked(let revoked) where revoked.reason == .reuseDetected:
            raise(.refreshTokenReplay, userID: revoked.userId, count: 1, detail: "a spent refresh token was presented again; that login was revoked")
        case .twoFactorDisabled(let disabled):
            raise(.twoFactorDisabled, userID: disabled.userId, count: 1, detail: "two-factor authentication was turned off")
        case .roleChanged(let changed):
            let by = changed.changedBy.map { "admin \($0.uuidString.lowercased())" } ?? "the system"
            raise(.roleGranted, userID: changed.userId, count: 1, detail: "role \(changed.previousRole.rawValue) → \(changed.role.rawValue), by \(by)")
        case .erased:
            count(.erasureBurst, key: "platform", threshold: thresholds.erasures) { n in
                "\(n) accounts erased within \(self.thresholds.window) s"
            }
        default:
            break
        }
    }

    private func twoFactorFailed(_ userID: UUID) {
        count(.twoFactorFailures, key: userID.uuidString, threshold: thresholds.twoFactorFailures, userID: userID) { n in
            "\(n) wrong two-factor codes on one account within \(self.thresholds.window) s"
        }
    }

    // MARK: Counting

    private func count(
        _ kind: SecurityAlerts.Kind, key: String, threshold: Int, userID: UUID? = nil, source: String? = nil, detail: (Int) -> String
    ) {
        let now = clock.now()
        let window = TimeInterval(thresholds.window)
        let reached: Int? = state.withLock { state in
            let id = "\(kind.rawValue) \(key)"
            var entry = state.windows[id] ?? Window()
            if let quiet = entry.quietUntil, now < quiet { return nil }
            entry.times = entry.times.filter { now.timeIntervalSince($0) < window } + [now]
            var reached: Int?
            if entry.times.count >= threshold {
                reached = entry.times.count
                entry = Window(times: [], quietUntil: now.addingTimeInterval(window))
            }
            if state.windows[id] == nil, state.windows.count >= Self.capacity {
                state.windows = state.windows.filter { ($0.value.times.last ?? .distantPast) > now.addingTimeInterval(-window) }
            }
            state.windows[id] = entry
            return reached
        }
        if let reached { raise(kind, userID: userID, source: source, count: reached, detail: detail(reached)) }
    }

    private func raise(_ kind: SecurityAlerts.Kind, userID: UUID? = nil, source: String? = nil, count: Int, detail: String) {
        let alert = SecurityAlerts.Alert(
            alertId: SecureRandom.timeOrderedUUID(), kind: kind, userId: userID, source: source, count: count, detail: detail, at: clock.now()
        )
        _ = continuation.withLock { $0?.yield(alert) }
    }

    /// An address's network: its /24 (IPv4) or /48 (IPv6).
    static func network(of address: String) -> String {
        if address.contains(":") {
            let groups = address.split(separator: ":", omittingEmptySubsequences: false).prefix(3).map(String.init)
            return groups.joined(separator: ":") + "::/48"
        }
        let octets = address.split(separator: ".")
        guard octets.count == 4 else { return address }
        return octets.prefix(3).joined(separator: ".") + ".0/24"
    }
}
