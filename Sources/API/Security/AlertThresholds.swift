import Foundation

/// When a burst becomes an alert: a count within a sliding window, per kind, from
/// `PROTALENT_ALERT_THRESHOLDS` (e.g. `login_failures_ip=20,probing=50`) and
/// `PROTALENT_ALERT_WINDOW` (seconds, default 300). Single events (a replayed refresh token, 2FA
/// turned off, a role grant, an admin's new network) alert at once.
public struct AlertThresholds: Sendable, Equatable {
    /// The sliding window, in seconds.
    public var window: Int
    /// Failed logins from one IP address.
    public var loginFailuresFromAddress: Int
    /// Failed logins on one account.
    public var loginFailuresOnAccount: Int
    /// Wrong two-factor codes on one account.
    public var twoFactorFailures: Int
    /// Personal-data exports by one caller.
    public var exports: Int
    /// Account erasures, platform-wide.
    public var erasures: Int
    /// 403/404 answers to one IP address.
    public var probing: Int

    /// The defaults (documented in docs/operations.md).
    public init(
        window: Int = 300, loginFailuresFromAddress: Int = 20, loginFailuresOnAccount: Int = 5, twoFactorFailures: Int = 3,
        exports: Int = 5, erasures: Int = 5, probing: Int = 50
    ) {
        self.window = window
        self.loginFailuresFromAddress = loginFailuresFromAddress
        self.loginFailuresOnAccount = loginFailuresOnAccount
        self.twoFactorFailures = twoFactorFailures
        self.exports = exports
        self.erasures = erasures
        self.probing = probing
    }

    /// Why the environment's thresholds were refused (the server does not start).
    public struct Invalid: Error, CustomStringConvertible {
        /// What is wrong, naming the variable.
        public var description: String
    }

    /// The thresholds of `environment`, the defaults for what it leaves out.
    public init(environment: [String: String]) throws(Invalid) {
        self.init()
        if let raw = environment["PROTALENT_ALERT_WINDOW"] {
            guard let seconds = Int(raw), seconds > 0 else { throw Invalid(description: "PROTALENT_ALERT_WINDOW must be a positive number of seconds, not \(raw)") }
            window = seconds
        }
        for pair in (environment["PROTALENT_ALERT_THRESHOLDS"] ?? "").split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let value = Int(parts[1]), value > 0 else {
                throw Invalid(description: "PROTALENT_ALERT_THRESHOLDS: \(pair) is not name=positive-count")
            }
            switch parts[0] {
            case "login_failures_ip": loginFailuresFromAddress = value
            case "login_failures_account": loginFailuresOnAccount = value
            case "two_factor_failures": twoFactorFailures = value
            case "export_burst": exports = value
            case "erasure_burst": erasures = value
            case "probing": probing = value
            default:
                throw Invalid(description: "PROTALENT_ALERT_THRESHOLDS: unknown name \(parts[0]) (login_failures_ip, "
                    + "login_failures_account, two_factor_failures, export_burst, erasure_burst, probing)")
            }
        }
    }
}
