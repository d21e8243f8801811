/// Time-based one-time passwords (RFC 6238) as authenticator apps implement them: HMAC-SHA-1,
/// 6 digits, 30-second steps by default.
///
/// `verify` accepts the current step and `window` steps either side, and returns the step that
/// matched: store it and pass it back as `lastUsedStep` so a code cannot be used twice. Times are
/// seconds since 1970 passed in by the caller; this type never reads a clock.
public struct TOTP: Sendable, Equatable {
    /// The shared secret (20 bytes, the HMAC-SHA-1 output size, is the recommended length).
    public let secret: [UInt8]
    /// The number of digits in a code.
    public let digits: Int
    /// The length of a step in seconds.
    public let period: Int64

    /// The size of secrets made by `generateSecret()`.
    public static let secretByteCount = 20

    /// A generator for `secret`.
    public init(secret: [UInt8], digits: Int = 6, period: Int64 = 30) {
        precondition(!secret.isEmpty, "a TOTP secret cannot be empty")
        precondition((6...10).contains(digits), "TOTP codes have 6 to 10 digits, got \(digits)")
        precondition(period > 0, "a TOTP period must be positive")
        self.secret = secret
        self.digits = digits
        self.period = period
    }

    /// A fresh random secret of `secretByteCount` bytes.
    public static func generateSecret() -> [UInt8] {
        SecureRandom.bytes(count: secretByteCount)
    }

    /// The step that contains `time` (T in RFC 6238).
    public func step(at time: Int64) -> Int64 {
        precondition(time >= 0, "TOTP times are seconds since 1970, got \(time)")
        return time / period
    }

    /// The code for the step that contains `time`.
    public func code(at time: Int64) -> String {
        code(forStep: step(at: time))
    }

    /// The code for `step`.
    public func code(forStep step: Int64) -> String {
        precondition(step >= 0, "TOTP steps are not negative")
        return HOTP.code(secret: secret, counter: UInt64(step), digits: digits)
    }

    /// The step whose code is `code`, looking `window` steps either side of `time`, or `nil`.
    ///
    /// - Parameter lastUsedStep: the step returned by the last successful verification for this
    ///   secret; a code for that step or an earlier one is refused (RFC 6238 §5.2: a code is
    ///   accepted only once).
    public func verify(_ code: String, at time: Int64, window: Int = 1, lastUsedStep: Int64? = nil) -> Int64? {
        precondition(window >= 0, "a verification window cannot be negative")
        let candidate = Array(code.utf8)
        guard candidate.count == digits, candidate.allSatisfy({ (48...57).contains($0) }) else { return nil }
        let current = step(at: time)
        var matched: Int64?
        // Every step in the window is computed and compared, so the time taken does not tell which one matched.
        for offset in -Int64(window)...Int64(window) {
            let step = current + offset
            guard step >= 0 else { continue }
            if ConstantTime.equals(Array(self.code(forStep: step).utf8), candidate) {
                if let lastUsedStep, step <= lastUsedStep { continue }
                matched = step
            }
        }
        return matched
    }
}
