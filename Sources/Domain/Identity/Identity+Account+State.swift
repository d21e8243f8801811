import EventSourcing
public import Foundation

extension Identity.Account {
    /// A refresh token presented again this soon after it was spent answers the login's current
    /// token instead of revoking the login: one client's concurrent requests (tabs, a retry after a
    /// lost answer) present the same token. Later, a spent token means a stolen copy.
    public static let refreshGracePeriod: TimeInterval = 10

    /// Repeated failures lock an account: this many failed logins within `failureWindow`…
    public static let maxFailures = 5
    /// …counted over this span…
    public static let failureWindow: TimeInterval = 15 * 60
    /// …lock it for this long.
    public static let lockDuration: TimeInterval = 15 * 60

    /// Whether the account exists, and whether it was erased.
    public enum Status: Sendable, Equatable {
        case unregistered, active, erased
    }

    /// Where two-factor authentication stands.
    public enum TwoFactor: Sendable, Equatable {
        /// Not set up.
        case off
        /// A secret was generated and shown; not enforced until a first code confirms it.
        case pending(secretCiphertext: String)
        /// Enforced at login.
        case on(secretCiphertext: String)

        /// The encrypted secret the application decrypts to check codes.
        public var secretCiphertext: String? {
            switch self {
            case .off: nil
            case .pending(let secret), .on(let secret): secret
            }
        }
    }

    /// A refresh token already spent: what replaced it, and when.
    public struct SpentToken: Sendable, Equatable {
        /// The hash of the token it was spent for.
        public var successorHash: String
        public var spentAt: Date
    }

    /// One login's chain of refresh tokens: each refresh spends the current token for a new one.
    public struct RefreshFamily: Sendable, Equatable {
        /// The hash of the one token that may be presented next.
        public var currentTokenHash: String
        /// Tokens already spent, by hash: presenting one again, past `refreshGracePeriod`, means a stolen token.
        public var spentTokens: [String: SpentToken]
        /// When the current token stops being accepted.
        public var expiresAt: Date
        /// Whether the family was revoked (logout, reuse, password reset, erasure).
        public var revoked: Bool
    }

    /// What the account remembers.
    public struct State: Sendable, Equatable {
        public var status: Status = .unregistered
        public var userID: UUID?
        public var role: Role = .student
        public var emailKey: String?
        /// `nil` once erased (or if the stored value is unreadable).
        public var passwordHash: String?
        public var emailVerified = false
        /// The one verification token currently valid (a new one replaces it; use spends it).
        public var verificationToken: IssuedToken?
        /// The one reset token currently valid.
        public var resetToken: IssuedToken?
        /// Failed logins not yet forgiven (a success or a lock clears them).
        public var recentFailures: [Date] = []
        public var lockedUntil: Date?
        public var twoFactor: TwoFactor = .off
        /// The last TOTP time step accepted: a code for this step or an earlier one is refused.
        public var lastTotpStep: Int64?
        /// Keyed hashes of the recovery codes not used yet; honoured while 2FA is on.
        public var recoveryCodeHashes: Set<String> = []
        public var refreshFamilies: [UUID: RefreshFamily] = [:]
        /// Raised by every change that must end the access tokens already issued (a password
        /// reset, an erasure): a token carries the generation it was issued at and is refused
        /// once this has moved on. A role change needs no new token: requests act with the
        /// account's current role.
        public var accessGeneration = 0
        /// Provider identities linked to the account, by subject key.
        public var providers: [String: LinkedProvider] = [:]
        /// SHA-256 (hex) of the secret of the one calendar feed URL that works, if any.
        public var calendarFeedHash: String?

        /// Whether logins are refused at `now`.
        public func isLocked(at now: Date) -> Bool { lockedUntil.map { now < $0 } ?? false }
    }

    public static var initialState: State { State() }
}
