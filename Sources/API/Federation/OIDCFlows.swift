import Cryptography
import Foundation
import Synchronization

/// Sign-ins in progress: what `/start` remembered for its `state`, each taken once by `/callback`,
/// and the one-time login codes of sign-ins that end on a client page.
///
/// In memory: a flow lasts minutes, and a restart only makes the person click again. The browser
/// that started a flow holds a random cookie whose hash the flow keeps; a callback from another
/// browser (a `state` fed to a victim: login CSRF) does not match it.
final class OIDCFlows: Sendable {
    /// What a sign-in remembers between `/start` and `/callback`.
    struct Flow: Sendable {
        var provider: String
        var nonce: String
        var codeVerifier: String
        /// SHA-256 of the browser cookie's value.
        var browserHash: [UInt8]
        /// Set when a signed-in person links the provider from their profile.
        var linkingUserID: UUID?
        /// A client page to end on with a login code.
        var redirectURI: String?
        var expiresAt: ContinuousClock.Instant
    }

    /// The pair a login code stands for.
    struct PendingLogin: Sendable {
        var pair: AuthController.TokenPair
        var expiresAt: ContinuousClock.Instant
    }

    /// How long a flow waits for its callback.
    static let flowLifetime: Duration = .seconds(600)
    /// How long a login code can be exchanged.
    static let loginCodeLifetime: Duration = .seconds(60)
    /// Flows kept at most (the oldest are dropped: starting flows costs an attacker nothing).
    static let capacity = 10_000

    private let flows = Mutex<[String: Flow]>([:])
    private let logins = Mutex<[String: PendingLogin]>([:])

    /// Remembers `flow` under a new random state, returned.
    func begin(_ flow: Flow) -> String {
        let state = Base64URL.encode(SecureRandom.bytes(count: 24))
        flows.withLock { flows in
            let now = ContinuousClock.now
            flows = flows.filter { $0.value.expiresAt > now }
            if flows.count >= Self.capacity, let oldest = flows.min(by: { $0.value.expiresAt < $1.value.expiresAt }) {
                flows[oldest.key] = nil
            }
            flows[state] = flow
        }
        return state
    }

    /// The flow of `state`, removed (a state works once), if it has not expired and `browserSecret`
    /// is the cookie of the browser that started it. A state presented by another browser is left
    /// in place, so a forged callback cannot spend the real one.
    func take(state: String, browserSecret: String?) -> Flow? {
        flows.withLock { flows in
            guard let flow = flows[state], flow.expiresAt > .now else { return nil }
            guard let browserSecret, ConstantTime.equals(SHA256.hash(Array(browserSecret.utf8)), flow.browserHash) else { return nil }
            flows[state] = nil
            return flow
        }
    }

    /// A one-time code standing for `pair`.
    func loginCode(for pair: AuthController.TokenPair) -> String {
        let code = Base64URL.encode(SecureRandom.bytes(count: 24))
        logins.withLock { logins in
            let now = ContinuousClock.now
            logins = logins.filter { $0.value.expiresAt > now }
            logins[code] = PendingLogin(pair: pair, expiresAt: now + Self.loginCodeLifetime)
        }
        return code
    }

    /// The pair of `code`, once.
    func redeem(loginCode code: String) -> AuthController.TokenPair? {
        logins.withLock { logins in
            guard let pending = logins.removeValue(forKey: code), pending.expiresAt > .now else { return nil }
            return pending.pair
        }
    }
}
