import Foundation

/// One signed-in console visitor, kept on the server: the browser holds only its random id.
struct ConsoleSession: Sendable {
    /// The cookie's value: 32 random bytes, base64url.
    var id: String
    /// The account signed in.
    var userID: UUID
    /// Its access generation at sign-in: a password reset or an erasure ends the session.
    var generation: Int
    /// The token every form of this session carries (a forged form has none).
    var csrfToken: String
    /// The login family recorded in the log at sign-in (sign-out ends it there too).
    var familyID: UUID
    /// The refresh token of that family, to end it on sign-out (never sent to the browser).
    var refreshToken: String
    /// The last request: the session ends after `ConsoleSessions.idleTimeout` without one.
    var lastSeen: Date
    /// The visitor's language.
    var language: ConsoleLanguage
}
