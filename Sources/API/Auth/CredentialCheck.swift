import Cryptography
import Domain
import Foundation

/// What a signed-in person sends to confirm a sensitive action (2FA set-up and removal, erasure),
/// checked against their account: the password, and a TOTP or recovery code when 2FA is on.
///
/// A bearer token proves a session, not the person: a stolen token, an unlocked laptop. Actions that
/// lock the owner out or cannot be undone ask for the credentials again. The decider rules on the
/// `Confirmation` this builds, counting failures towards the account's lock as it counts failed
/// logins, so a stolen token is no way to guess the password.
struct CredentialCheck: Sendable {
    let passwords: PasswordHashing
    let twoFactor: TwoFactorCodes
    let throttle: RequestThrottle

    /// The confirmation `body` makes for the account in `state` at `now`: 422 without a password,
    /// 429 while the account is locked or past the caller's per-IP limit of sign-in calls (the
    /// password costs the same scrypt work as a login).
    func confirmation(
        _ body: ConfirmationBody, userID: UUID, state: Identity.Account.State, now: Date, ip: String?
    ) async throws(APIError) -> Identity.Account.Confirmation {
        guard let password = body.password, !password.isEmpty else { throw .invalid("password", "confirm with your password") }
        try throttle.chargeAuth(ip: ip)
        try Self.refuseIfLocked(state, now: now)
        // Every account has a password today. A provider-only account (OpenID Connect, not built yet)
        // will have none: the contract has it confirm with a fresh sign-in or its TOTP code instead.
        var matches = false
        if let hash = state.passwordHash { matches = try await passwords.verify(password, against: hash) }
        return Identity.Account.Confirmation(passwordMatches: matches, secondFactor: twoFactor.check(body.code, state: state, userID: userID, now: now))
    }

    /// 429 with `Retry-After` while the account is locked.
    static func refuseIfLocked(_ state: Identity.Account.State, now: Date) throws(APIError) {
        if let until = state.lockedUntil, now < until {
            throw .tooManyRequests(
                "too many failed attempts; this account is locked for a while", retryAfter: Int(until.timeIntervalSince(now).rounded(.up))
            )
        }
    }

    /// The answer to a refused confirmation once its events are in: 429 when they locked the
    /// account, otherwise the refusal as the decider categorised it (422 naming `password` or `code`).
    static func refusal(_ rejection: Identity.Rejection, recorded events: [Identity.Account.Event], on state: Identity.Account.State, now: Date) -> APIError {
        do {
            try refuseIfLocked(events.reduce(state, Identity.Account.evolve), now: now)
        } catch {
            return error
        }
        return APIError(rejection: rejection)
    }
}

/// The body confirming a sensitive action: `{password, code?}` (`code`: a TOTP or recovery code,
/// needed when 2FA is on).
struct ConfirmationBody: Decodable {
    var password: String?
    var code: String?
}
