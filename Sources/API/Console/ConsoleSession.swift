import Foundation

/// One signed-in console visitor, sealed into their cookie (`ConsoleSessions`).
struct ConsoleSession: Sendable {
    /// The cookie's value: the session sealed, base64url.
    var id: String
    /// The account signed in.
    var userID: UUID
    /// Its access generation at sign-in: a password reset or an erasure ends the session.
    var generation: Int
    /// The token every form of this session carries (a forged form has none).
    var csrfToken: String
    /// The login family recorded in the log at sign-in (sign-out ends it there too).
    var familyID: UUID
    /// The hash of that family's refresh token, to end it on sign-out (the token itself is never
    /// kept: the family is only ever ended, not refreshed).
    var refreshTokenHash: String
    /// The last request: the session ends after `ConsoleSessions.idleTimeout` without one.
    var lastSeen: Date
    /// The visitor's language.
    var language: ConsoleLanguage
}
