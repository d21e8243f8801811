import Domain

/// A request of a signed-in console visitor who passed the page's area rule.
struct ConsoleVisit: Sendable {
    /// Their session.
    var session: ConsoleSession
    /// Who they act as: their account with its current role.
    var principal: Principal
    /// Their current role.
    var role: Role

    /// Their language.
    var language: ConsoleLanguage { session.language }
    /// The CSRF token their forms carry.
    var csrfToken: String { session.csrfToken }
}
