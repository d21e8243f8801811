import Cryptography
import Domain
import EventSourcing
import Foundation

/// Signing in with an email address, a password and (when 2FA is on) a TOTP or recovery code: the
/// one check behind `POST /auth/login` and the console's sign-in, so both lock, throttle, record
/// and refuse alike.
struct PasswordSignIn: Sendable {
    let commands: CommandExecutor
    let accounts: AccountDirectory
    let tokens: TokenService
    let passwords: PasswordHashing
    let throttle: RequestThrottle
    let passwordResets: PasswordResets
    let twoFactor: TwoFactorCodes
    let locks: LoginLocks

    /// A sign-in the log recorded: the account as it stands, the login family and its first refresh token.
    struct SignedIn: Sendable {
        var userID: UUID
        var state: Identity.Account.State
        var familyID: UUID
        var refreshToken: String
        /// The hash the log keeps of `refreshToken`.
        var refreshTokenHash: String
        /// The log position of the login (or of the rehash that followed it).
        var position: Int64
    }

    /// Checks the credentials and records the login (or the failure) in the log.
    ///
    /// - Throws: 401 for a wrong email, password or code (one message for all), 422 when the code
    ///   is missing, 429 while the address or the account is locked or the caller's IP failed too often.
    func signIn(email rawEmail: String, password: String, totpCode: String?, ip: String?) async throws -> SignedIn {
        try throttle.checkLoginFailures(ip: ip)
        let refused = APIError.unauthenticated("the email or password is incorrect")
        let now = commands.now()
        let email = try? EmailAddress.normalized(rawEmail)
        let key = email.map(accounts.emailKey)
        // Known and unknown addresses lock alike (see `LoginLocks`), so a 429 reveals nothing.
        if let key, let until = locks.lockedUntil(key, now: now) { throw Self.locked(until: until, now: now) }
        guard let key, let userID = try accounts.holder(ofEmailKey: key) else {
            // The same scrypt work as a real check, so response time does not reveal whether the account exists.
            _ = try await passwords.verify(password, against: Self.decoyHash)
            throttle.noteLoginFailure(ip: ip)
            if let key, let until = locks.noteFailure(key, now: now) { throw Self.locked(until: until, now: now) }
            throw refused
        }
        let loaded = try commands.loadVersioned(Identity.Account.self, stream: StreamName.account(userID))
        if let until = loaded.state.lockedUntil, now < until { throw Self.locked(until: until, now: now) }
        guard let hash = loaded.state.passwordHash else { throw refused }
        let matches = try await passwords.verify(password, against: hash)
        let secondFactor = twoFactor.check(totpCode, state: loaded.state, userID: userID, now: now)
        let familyID = SecureRandom.uuid()
        let refresh = tokens.refreshToken(userID: userID, familyID: familyID, now: now)
        let attempt = Identity.Account.LoginAttempt(
            passwordMatches: matches, secondFactor: secondFactor, familyID: familyID, refreshToken: refresh.issued, now: now
        )
        let outcome = try await commands.decideOnAccount(userID, by: nil) { state throws(Identity.Rejection) in
            try Identity.Account.decision(.logIn(attempt), state)
        }
        let decision: Identity.Account.Decision
        do {
            decision = try outcome.decision.get()
        } catch {
            if error.category == .invalid { throw APIError(rejection: error) }  // totpCode missing
            throw refused
        }
        if let refusal = decision.refusal {
            if matches == false { throttle.noteLoginFailure(ip: ip) }
            _ = locks.noteFailure(key, now: now)
            let after = decision.events.reduce(outcome.state, Identity.Account.evolve)
            if let until = after.lockedUntil, now < until {
                // The owner is not locked out: a mailed link (a reset, which lifts the lock) gets them in.
                if outcome.state.lockedUntil != until, let email { try passwordResets.request(email: email, reason: .locked) }
                throw Self.locked(until: until, now: now)
            }
            throw APIError.unauthenticated(refusal.message)
        }
        locks.clear(key)
        let rehashed = await rehashIfWeaker(hash, password: password, userID: userID, role: outcome.state.role, now: now)
        return SignedIn(
            userID: userID, state: outcome.state, familyID: familyID, refreshToken: refresh.token,
            refreshTokenHash: refresh.issued.tokenHash, position: max(outcome.position, rehashed ?? 0)
        )
    }

    /// Parameters live with each hash, so raising the scrypt cost upgrades each account at its next
    /// successful login (the only moment the password is known). Best effort: a failure keeps the old hash.
    func rehashIfWeaker(_ hash: String, password: String, userID: UUID, role: Role, now: Date) async -> Int64? {
        guard passwords.needsRehash(hash), let upgraded = try? await passwords.hash(password) else { return nil }
        let principal = Principal.user(userID, role)
        return try? await commands.execute(
            .changePassword(currentPasswordMatches: true, newPassword: NewPassword(plaintext: password, hash: upgraded), by: principal, now: now),
            on: Identity.Account.self, stream: StreamName.account(userID), by: principal
        ).position
    }

    /// The answer to a login while the address is locked.
    static func locked(until: Date, now: Date) -> APIError {
        .tooManyRequests(
            "too many failed logins for this address; try again later, or use the link mailed to its owner",
            retryAfter: Int(until.timeIntervalSince(now).rounded(.up))
        )
    }

    /// A valid scrypt hash of a random password: what a login for an unknown address is checked against.
    static let decoyHash: String = (try? PasswordHasher().hash(Base64.encode(SecureRandom.bytes(count: 16)))) ?? ""
}
