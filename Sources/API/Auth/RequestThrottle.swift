public import Foundation
public import EventSourcing

/// The server's rate limits applied to callers: the buckets of `RateLimiter` under the rules of
/// `RateLimits`, at the clock's time. Every check answers `nil`/nothing when allowed and throws a
/// 429 with the seconds to wait otherwise.
public struct RequestThrottle: Sendable {
    let limiter: RateLimiter
    /// The rules (off altogether for load measurements).
    public let limits: RateLimits
    let clock: Clock

    /// A throttle over `limiter` with `limits`.
    public init(limiter: RateLimiter, limits: RateLimits, clock: Clock) {
        self.limiter = limiter
        self.limits = limits
        self.clock = clock
    }

    /// Any request: the account's bucket when signed in, then the IP's.
    public func charge(account: UUID?, ip: String?) throws(APIError) {
        guard limits.enabled else { return }
        let now = clock.now()
        if let account, let wait = limiter.take("account:\(account)", rule: limits.perAccount, now: now) {
            throw .tooManyRequests("too many requests from this account; slow down", retryAfter: wait)
        }
        if let wait = limiter.take("ip:\(ip ?? "local")", rule: limits.perIP, now: now) {
            throw .tooManyRequests("too many requests from this address; slow down", retryAfter: wait)
        }
    }

    /// The sign-in family (register, login, refresh, forgot and reset password), per IP.
    public func chargeAuth(ip: String?) throws(APIError) {
        guard limits.enabled else { return }
        if let wait = limiter.take("auth:\(ip ?? "local")", rule: limits.authPerIP, now: clock.now()) {
            throw .tooManyRequests("too many sign-in requests from this address; try again later", retryAfter: wait)
        }
    }

    /// Refuses an IP that failed too many logins lately, without charging it.
    public func checkLoginFailures(ip: String?) throws(APIError) {
        guard limits.enabled else { return }
        if let wait = limiter.wait(Self.failureKey(ip), rule: limits.loginFailuresPerIP, now: clock.now()) {
            throw .tooManyRequests("too many failed logins from this address; try again later", retryAfter: wait)
        }
    }

    /// Counts one failed login against an IP.
    public func noteLoginFailure(ip: String?) {
        guard limits.enabled else { return }
        _ = limiter.take(Self.failureKey(ip), rule: limits.loginFailuresPerIP, now: clock.now())
    }

    private static func failureKey(_ ip: String?) -> String { "login-failures:\(ip ?? "local")" }
}
