import EventSourcing
public import Foundation

extension Identity.Account {
    /// A sign-up, as `POST /auth/register` carries it, plus what the application prepared.
    public struct Registration: Sendable, Equatable {
        public var userID: UUID
        /// The address as typed; normalised by the domain.
        public var email: String
        /// The application's keyed digest of the normalised address (the claim stream's key).
        public var emailKey: String
        /// `nil` when a provider sign-in makes the account (`provider` is then set).
        public var password: NewPassword?
        /// The provider identity a provider sign-in makes the account for.
        public var provider: ProviderIdentity?
        /// Whether the provider vouched for the address (`email_verified`): the account starts verified.
        public var emailVerifiedByProvider = false
        public var firstName: String
        public var lastName: String
        /// `student` or `mentor`; other roles only when `registeredBy` is the system (bootstrap).
        public var role: Role
        public var countryCode: String?
        public var city: String?
        /// The first email-verification token.
        public var verification: IssuedToken
        /// `nil` for a self sign-up; `.system` for `--bootstrap-admin`.
        public var registeredBy: Principal?
        public var now: Date

        public init(
            userID: UUID, email: String, emailKey: String, password: NewPassword?, firstName: String,
            lastName: String, role: Role, countryCode: String? = nil, city: String? = nil,
            verification: IssuedToken, registeredBy: Principal? = nil, now: Date
        ) {
            self.userID = userID
            self.email = email
            self.emailKey = emailKey
            self.password = password
            self.firstName = firstName
            self.lastName = lastName
            self.role = role
            self.countryCode = countryCode
            self.city = city
            self.verification = verification
            self.registeredBy = registeredBy
            self.now = now
        }
    }

    /// What the application found when checking a second-factor code: a TOTP code (RFC 6238, with
    /// its usual ±1 step window) or one of the account's recovery codes.
    public enum SecondFactorCheck: Sendable, Equatable {
        /// No code was sent.
        case notProvided
        /// A code was sent and matched no step in the window, or could not be a code at all.
        case invalid
        /// The TOTP code matched this time step.
        case totp(step: Int64)
        /// A recovery code was sent: its keyed hash, for the decider to find among the unused ones.
        case recoveryCode(hash: String)
    }

    /// A login attempt, after the application checked the password hash and any second-factor code.
    public struct LoginAttempt: Sendable, Equatable {
        public var passwordMatches: Bool
        public var secondFactor: SecondFactorCheck
        /// The refresh-token family to open on success.
        public var familyID: UUID
        public var refreshToken: IssuedToken
        public var now: Date

        public init(
            passwordMatches: Bool, secondFactor: SecondFactorCheck = .notProvided, familyID: UUID, refreshToken: IssuedToken, now: Date
        ) {
            self.passwordMatches = passwordMatches
            self.secondFactor = secondFactor
            self.familyID = familyID
            self.refreshToken = refreshToken
            self.now = now
        }
    }

    /// The holder's confirmation of a sensitive action (2FA set-up or removal, erasure), as the
    /// application checked it: the password, and a second-factor code when 2FA is on.
    public struct Confirmation: Sendable, Equatable {
        public var passwordMatches: Bool
        public var secondFactor: SecondFactorCheck

        public init(passwordMatches: Bool, secondFactor: SecondFactorCheck = .notProvided) {
            self.passwordMatches = passwordMatches
            self.secondFactor = secondFactor
        }
    }

    /// What callers ask of an account.
    public enum Command: Sendable, Equatable {
        /// Create the account (see `Identity.register` for the email claim that goes with it).
        case register(Registration)
        /// Send a new verification token (replacing any earlier one).
        case issueEmailVerification(IssuedToken, now: Date)
        /// Redeem a verification token (single use).
        case verifyEmail(tokenHash: String, now: Date)
        /// Change the password while signed in; the application checked the current one.
        case changePassword(currentPasswordMatches: Bool, newPassword: NewPassword, by: Principal, now: Date)
        /// Start a reset (`POST /auth/forgot-password`): a new single-use token.
        case requestPasswordReset(IssuedToken, now: Date)
        /// Finish a reset with the mailed token; revokes every refresh-token family.
        case resetPassword(tokenHash: String, newPassword: NewPassword, now: Date)
        /// Record a login attempt (success, failure, lock-out).
        case logIn(LoginAttempt)
        /// Spend the presented refresh token of a family for `next`, the token the application derives
        /// from the presented one (every request presenting the same token derives the same `next`).
        case refresh(familyID: UUID, presentedTokenHash: String, next: IssuedToken, now: Date)
        /// End one login.
        case logOut(familyID: UUID, presentedTokenHash: String, now: Date)
        /// Begin 2FA set-up, confirmed with the password: a fresh secret (encrypted by the application)
        /// and the keyed hashes of new recovery codes, both in force once `confirmTwoFactor` succeeds.
        case startTwoFactor(secretCiphertext: String, recoveryCodeHashes: [String], Confirmation, by: Principal, now: Date)
        /// Confirm 2FA with a first TOTP code (`POST /auth/2fa/verify`).
        case confirmTwoFactor(SecondFactorCheck, by: Principal, now: Date)
        /// Turn 2FA off, confirmed with the password and a TOTP or recovery code.
        case disableTwoFactor(Confirmation, by: Principal, now: Date)
        /// Give the account a role (`PUT /admin/users/{id}/role`, or the system's bootstrap admin).
        case grantRole(Role, by: Principal, now: Date)
        /// Erase the account; the application then destroys the data key. The holder confirms it
        /// (`DELETE /users/me`); an admin erasing someone else's account has no confirmation to give.
        case erase(by: Principal, Confirmation?, now: Date)
        /// Sign in through an OpenID Connect provider (see `ProviderRoute` for the linking rules).
        case signInWithProvider(ProviderSignIn)
        /// Link a provider identity from the holder's profile.
        case linkProvider(ProviderIdentity, by: Principal, now: Date)
        /// Unlink the holder's identity at a provider; the last way to sign in cannot go.
        case unlinkProvider(provider: String, by: Principal, now: Date)
        /// Give the holder a new secret calendar URL, revoking the previous one.
        case issueCalendarFeed(secretHash: String, by: Principal, now: Date)
    }
}
