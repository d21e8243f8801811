public import Foundation
import Synchronization

/// Token buckets keyed by caller (an IP, an account): `rate` tokens per second up to `burst`.
///
/// In-process, as the design replaces Redis: one node owns its limits. The table is bounded:
/// past `maxKeys` entries, full buckets (callers who are idle) are dropped first.
public final class RateLimiter: Sendable {
    /// A bucket's shape.
    public struct Rule: Sendable, Hashable {
        /// Tokens added per second.
        public var rate: Double
        /// The bucket's size: how many requests may arrive at once.
        public var burst: Double

        /// A rule.
        public init(rate: Double, burst: Double) {
            self.rate = rate
            self.burst = burst
        }

        /// `count` requests per `seconds`, all of them allowed at once.
        public static func per(_ seconds: Double, _ count: Double) -> Rule { Rule(rate: count / seconds, burst: count) }
    }

    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    private let buckets = Mutex<[String: Bucket]>([:])
    private let maxKeys: Int

    /// A limiter remembering at most `maxKeys` callers.
    public init(maxKeys: Int = 100_000) {
        self.maxKeys = maxKeys
    }

    /// Takes `cost` tokens from `key`'s bucket under `rule`: `nil` when allowed, else the seconds
    /// until enough tokens are back.
    public func take(_ key: String, rule: Rule, cost: Double = 1, now: Date) -> Int? {
        let time = now.timeIntervalSince1970
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: rule.burst, updated: time)
            bucket.tokens = min(rule.burst, bucket.tokens + max(0, time - bucket.updated) * rule.rate)
            bucket.updated = time
            defer {
                if buckets.count >= maxKeys, buckets[key] == nil { Self.evict(&buckets, now: time, rule: rule) }
                buckets[key] = bucket
            }
            if bucket.tokens >= cost {
                bucket.tokens -= cost
                return nil
            }
            return Int(((cost - bucket.tokens) / rule.rate).rounded(.up))
        }
    }

    /// Seconds until `key` could spend `cost` again, without spending (for lock-out checks).
    public func wait(_ key: String, rule: Rule, cost: Double = 1, now: Date) -> Int? {
        buckets.withLock { buckets in
            guard let bucket = buckets[key] else { return nil }
            let tokens = min(rule.burst, bucket.tokens + max(0, now.timeIntervalSince1970 - bucket.updated) * rule.rate)
            return tokens >= cost ? nil : Int(((cost - tokens) / rule.rate).rounded(.up))
        }
    }

    private static func evict(_ buckets: inout [String: Bucket], now: Double, rule: Rule) {
        // Buckets idle long enough to be full again carry no information.
        let idle = rule.burst / max(rule.rate, 0.000_1)
        buckets = buckets.filter { now - $0.value.updated < idle }
        if buckets.count > 0, buckets.count >= buckets.capacity / 2 {
            let oldest = buckets.sorted { $0.value.updated < $1.value.updated }.prefix(buckets.count / 2).map(\.key)
            for key in oldest { buckets[key] = nil }
        }
    }
}

/// The limits the server applies; tests and benchmarks pass their own.
public struct RateLimits: Sendable {
    /// Any request, per client IP.
    public var perIP: RateLimiter.Rule
    /// Any request of a signed-in account.
    public var perAccount: RateLimiter.Rule
    /// Login, register, forgot/reset password, refresh, per IP: the expensive or guessable ones.
    public var authPerIP: RateLimiter.Rule
    /// Failed logins per IP before that IP must wait (per-account failures lock the account in the domain).
    public var loginFailuresPerIP: RateLimiter.Rule
    /// Whether limits apply at all (off only for load measurements, via `PROTALENT_RATE_LIMITS=off`).
    public var enabled: Bool

    /// The defaults: 50 req/s (burst 100) per IP and per account, 20 auth calls per minute per IP,
    /// 20 failed logins per 15 minutes per IP.
    public init(
        perIP: RateLimiter.Rule = .init(rate: 50, burst: 100), perAccount: RateLimiter.Rule = .init(rate: 50, burst: 100),
        authPerIP: RateLimiter.Rule = .per(60, 20), loginFailuresPerIP: RateLimiter.Rule = .per(15 * 60, 20),
        enabled: Bool = true
    ) {
        self.perIP = perIP
        self.perAccount = perAccount
        self.authPerIP = authPerIP
        self.loginFailuresPerIP = loginFailuresPerIP
        self.enabled = enabled
    }
}
