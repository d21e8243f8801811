public import EventSourcing
public import Foundation

extension Identity.Account {
    /// Why a login, or the confirmation of a sensitive action, failed.
    public enum LoginFailureReason: String, Codable, Sendable, Hashable {
        case badPassword = "bad_password"
        case badTotp = "bad_totp"
        case totpReused = "totp_reused"
        /// Not one of the account's unused recovery codes (unknown, or spent already).
        case badRecoveryCode = "bad_recovery_code"
    }

    /// What the holder's credentials were checked for.
    public enum CredentialPurpose: String, Codable, Sendable, Hashable {
        case login
        case twoFactorSetUp = "two_factor_set_up"
        case twoFactorRemoval = "two_factor_removal"
        case erasure
    }

    /// Why a refresh-token family was revoked.
    public enum RevocationReason: String, Codable, Sendable, Hashable {
        case logout
        /// A spent token was presented again: someone holds a copy.
        case reuseDetected = "reuse_detected"
        case passwordReset = "password_reset"
        case accountErased = "account_erased"
        /// The owner of the address signed in through a provider; this account had never verified it.
        case accountTakenOver = "account_taken_over"
    }

    /// Payload of `identity.account-registered`.
    public struct Registered: Codable, Sendable, Equatable {
        public var userId: UUID
        public var email: Personal<String>
        public var emailKey: String
        /// `nil` for an account made by a provider sign-in (it has no password until a reset sets one).
        public var passwordHash: Personal<String>?
        public var firstName: Personal<String>
        public var lastName: Personal<String>
        public var role: Role
        public var countryCode: String?
        public var city: Personal<String>?
        /// `nil` for a self sign-up.
        public var registeredBy: UUID?
        public var registeredAt: Date
    }

    /// Payload of `identity.email-verification-issued` and `identity.password-reset-requested`.
    public struct TokenIssued: Codable, Sendable, Equatable {
        public var userId: UUID
        public var tokenHash: String
        public var expiresAt: Date
        public var issuedAt: Date
    }

    /// Payload of events that only say when something happened to a user.
    public struct Occurred: Codable, Sendable, Equatable {
        public var userId: UUID
        public var at: Date
    }

    /// Payload of `identity.password-changed` and `identity.password-reset`.
    public struct PasswordSet: Codable, Sendable, Equatable {
        public var userId: UUID
        public var passwordHash: Personal<String>
        public var at: Date
    }

    /// Payload of `identity.login-succeeded`.
    public struct LoginSucceeded: Codable, Sendable, Equatable {
        public var userId: UUID
        public var familyId: UUID
        /// The TOTP step used, when 2FA is on.
        public var totpStep: Int64?
        public var at: Date
    }

    /// Payload of `identity.login-failed`.
    public struct LoginFailed: Codable, Sendable, Equatable {
        public var userId: UUID
        public var reason: LoginFailureReason
        public var at: Date
    }

    /// Payload of `identity.confirmation-failed`: a sensitive action refused for a wrong password or
    /// code. It counts towards the lock as a failed login does.
    public struct ConfirmationFailed: Codable, Sendable, Equatable {
        public var userId: UUID
        public var purpose: CredentialPurpose
        public var reason: LoginFailureReason
        public var at: Date
    }

    /// Payload of `identity.account-locked`.
    public struct Locked: Codable, Sendable, Equatable {
        public var userId: UUID
        public var failures: Int
        public var until: Date
        public var at: Date
    }

    /// Payload of `identity.refresh-token-family-issued`.
    public struct FamilyIssued: Codable, Sendable, Equatable {
        public var userId: UUID
        public var familyId: UUID
        public var tokenHash: String
        public var expiresAt: Date
        public var at: Date
    }

    /// Payload of `identity.refresh-token-rotated`.
    public struct TokenRotated: Codable, Sendable, Equatable {
        public var userId: UUID
        public var familyId: UUID
        public var previousTokenHash: String
        public var tokenHash: String
        public var expiresAt: Date
        public var at: Date
    }

    /// Payload of `identity.refresh-token-family-revoked`.
    public struct FamilyRevoked: Codable, Sendable, Equatable {
        public var userId: UUID
        public var familyId: UUID
        public var reason: RevocationReason
        public var at: Date
    }

    /// Payload of `identity.two-factor-enrollment-started`.
    public struct TwoFactorStarted: Codable, Sendable, Equatable {
        public var userId: UUID
        /// The TOTP secret, encrypted by the application (never the plain secret).
        public var secretCiphertext: String
        public var at: Date
    }

    /// Payload of `identity.two-factor-enabled`.
    public struct TwoFactorChanged: Codable, Sendable, Equatable {
        public var userId: UUID
        /// The step of the code that proved possession (so it cannot be replayed).
        public var totpStep: Int64
        public var at: Date
    }

    /// Payload of `identity.two-factor-disabled`.
    public struct TwoFactorDisabled: Codable, Sendable, Equatable {
        public var userId: UUID
        /// The step of the TOTP code that confirmed it; `nil` when a recovery code did.
        public var totpStep: Int64?
        public var at: Date
    }

    /// Payload of `identity.two-factor-recovery-codes-issued`: codes shown once to the holder at set-up.
    public struct RecoveryCodesIssued: Codable, Sendable, Equatable {
        public var userId: UUID
        /// Keyed hashes of the codes (HMAC under a server key), never the codes.
        public var codeHashes: [String]
        public var at: Date
    }

    /// Payload of `identity.two-factor-recovery-code-used`: one recovery code spent, for good.
    public struct RecoveryCodeUsed: Codable, Sendable, Equatable {
        public var userId: UUID
        public var codeHash: String
        public var purpose: CredentialPurpose
        public var at: Date
    }

    /// Payload of `identity.role-changed`.
    public struct RoleChanged: Codable, Sendable, Equatable {
        public var userId: UUID
        public var role: Role
        public var previousRole: Role
        /// The admin who granted it; `nil` for the system (bootstrap).
        public var changedBy: UUID?
        public var at: Date
    }

    /// Payload of `identity.account-erased`.
    public struct Erased: Codable, Sendable, Equatable {
        public var userId: UUID
        public var emailKey: String
        /// Who asked: the user, an admin, or `nil` for the system.
        public var erasedBy: UUID?
        public var at: Date
    }

    /// What happened to an account.
    public enum Event: DomainEvent {
        case registered(Registered)
        case emailVerificationIssued(TokenIssued)
        case emailVerified(Occurred)
        case passwordChanged(PasswordSet)
        case passwordResetRequested(TokenIssued)
        case passwordReset(PasswordSet)
        case loginSucceeded(LoginSucceeded)
        case loginFailed(LoginFailed)
        case confirmationFailed(ConfirmationFailed)
        case locked(Locked)
        case refreshFamilyIssued(FamilyIssued)
        case refreshTokenRotated(TokenRotated)
        case refreshFamilyRevoked(FamilyRevoked)
        case twoFactorStarted(TwoFactorStarted)
        case twoFactorEnabled(TwoFactorChanged)
        case twoFactorDisabled(TwoFactorDisabled)
        case recoveryCodesIssued(RecoveryCodesIssued)
        case recoveryCodeUsed(RecoveryCodeUsed)
        case roleChanged(RoleChanged)
        case erased(Erased)
        case providerLinked(ProviderLinked)
        case providerUnlinked(ProviderUnlinked)
        case passwordRevoked(PasswordRevoked)
        case calendarFeedIssued(CalendarFeedIssued)

        public var eventType: String {
            switch self {
            case .registered: "identity.account-registered"
            case .emailVerificationIssued: "identity.email-verification-issued"
            case .emailVerified: "identity.email-verified"
            case .passwordChanged: "identity.password-changed"
            case .passwordResetRequested: "identity.password-reset-requested"
            case .passwordReset: "identity.password-reset"
            case .loginSucceeded: "identity.login-succeeded"
            case .loginFailed: "identity.login-failed"
            case .confirmationFailed: "identity.confirmation-failed"
            case .locked: "identity.account-locked"
            case .refreshFamilyIssued: "identity.refresh-token-family-issued"
            case .refreshTokenRotated: "identity.refresh-token-rotated"
            case .refreshFamilyRevoked: "identity.refresh-token-family-revoked"
            case .twoFactorStarted: "identity.two-factor-enrollment-started"
            case .twoFactorEnabled: "identity.two-factor-enabled"
            case .twoFactorDisabled: "identity.two-factor-disabled"
            case .recoveryCodesIssued: "identity.two-factor-recovery-codes-issued"
            case .recoveryCodeUsed: "identity.two-factor-recovery-code-used"
            case .roleChanged: "identity.role-changed"
            case .erased: "identity.account-erased"
            case .providerLinked: "identity.provider-linked"
            case .providerUnlinked: "identity.provider-unlinked"
            case .passwordRevoked: "identity.password-revoked"
            case .calendarFeedIssued: "identity.calendar-feed-issued"
            }
        }

        /// The account holder, for the events that carry their personal data.
        public var personalDataSubject: UUID? {
            switch self {
            case .registered(let payload): payload.userId
            case .passwordChanged(let payload), .passwordReset(let payload): payload.userId
            case .providerLinked(let payload): payload.userId
            default: nil
            }
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            switch try decoder.eventTypeName() {
            case "identity.account-registered": self = .registered(try c.decode(Registered.self))
            case "identity.email-verification-issued": self = .emailVerificationIssued(try c.decode(TokenIssued.self))
            case "identity.email-verified": self = .emailVerified(try c.decode(Occurred.self))
            case "identity.password-changed": self = .passwordChanged(try c.decode(PasswordSet.self))
            case "identity.password-reset-requested": self = .passwordResetRequested(try c.decode(TokenIssued.self))
            case "identity.password-reset": self = .passwordReset(try c.decode(PasswordSet.self))
            case "identity.login-succeeded": self = .loginSucceeded(try c.decode(LoginSucceeded.self))
            case "identity.login-failed": self = .loginFailed(try c.decode(LoginFailed.self))
            case "identity.confirmation-failed": self = .confirmationFailed(try c.decode(ConfirmationFailed.self))
            case "identity.account-locked": self = .locked(try c.decode(Locked.self))
            case "identity.refresh-token-family-issued": self = .refreshFamilyIssued(try c.decode(FamilyIssued.self))
            case "identity.refresh-token-rotated": self = .refreshTokenRotated(try c.decode(TokenRotated.self))
            case "identity.refresh-token-family-revoked": self = .refreshFamilyRevoked(try c.decode(FamilyRevoked.self))
            case "identity.two-factor-enrollment-started": self = .twoFactorStarted(try c.decode(TwoFactorStarted.self))
            case "identity.two-factor-enabled": self = .twoFactorEnabled(try c.decode(TwoFactorChanged.self))
            case "identity.two-factor-disabled": self = .twoFactorDisabled(try c.decode(TwoFactorDisabled.self))
            case "identity.two-factor-recovery-codes-issued": self = .recoveryCodesIssued(try c.decode(RecoveryCodesIssued.self))
            case "identity.two-factor-recovery-code-used": self = .recoveryCodeUsed(try c.decode(RecoveryCodeUsed.self))
            case "identity.role-changed": self = .roleChanged(try c.decode(RoleChanged.self))
            case "identity.account-erased": self = .erased(try c.decode(Erased.self))
            case "identity.provider-linked": self = .providerLinked(try c.decode(ProviderLinked.self))
            case "identity.provider-unlinked": self = .providerUnlinked(try c.decode(ProviderUnlinked.self))
            case "identity.password-revoked": self = .passwordRevoked(try c.decode(PasswordRevoked.self))
            case "identity.calendar-feed-issued": self = .calendarFeedIssued(try c.decode(CalendarFeedIssued.self))
            case let other: throw UnknownEventType(other)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .registered(let p): try c.encode(p)
            case .emailVerificationIssued(let p), .passwordResetRequested(let p): try c.encode(p)
            case .emailVerified(let p): try c.encode(p)
            case .passwordChanged(let p), .passwordReset(let p): try c.encode(p)
            case .loginSucceeded(let p): try c.encode(p)
            case .loginFailed(let p): try c.encode(p)
            case .confirmationFailed(let p): try c.encode(p)
            case .locked(let p): try c.encode(p)
            case .refreshFamilyIssued(let p): try c.encode(p)
            case .refreshTokenRotated(let p): try c.encode(p)
            case .refreshFamilyRevoked(let p): try c.encode(p)
            case .twoFactorStarted(let p): try c.encode(p)
            case .twoFactorEnabled(let p): try c.encode(p)
            case .twoFactorDisabled(let p): try c.encode(p)
            case .recoveryCodesIssued(let p): try c.encode(p)
            case .recoveryCodeUsed(let p): try c.encode(p)
            case .roleChanged(let p): try c.encode(p)
            case .erased(let p): try c.encode(p)
            case .providerLinked(let p): try c.encode(p)
            case .providerUnlinked(let p): try c.encode(p)
            case .passwordRevoked(let p): try c.encode(p)
            case .calendarFeedIssued(let p): try c.encode(p)
            }
        }
    }
}
