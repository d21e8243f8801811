import Cryptography
import Domain
import Foundation
import HTTPTypes
import Hummingbird

/// Lets a console request through or answers it: the session cookie seals a session that has not
/// idled out, its login is still open and its account still grants access (acting with its current
/// role), the page's area admits that role, and a form carries the session's CSRF token.
struct ConsoleGate: Sendable {
    /// The session cookie's name.
    static let cookie = "protalent_console"
    /// The sign-in form's token cookie (before a session exists).
    static let signInCookie = "protalent_console_signin"

    let sessions: ConsoleSessions
    let access: AccountAccess

    /// The visit, or the answer that refuses it: the sign-in page's address for no session, a 403
    /// page for a role the area does not admit.
    func admit(_ request: Request, area: ConsoleArea) -> Result<ConsoleVisit, ConsoleRefusal> {
        let language = ConsoleLanguage(query: request.uri.queryParameters["lang"].map(String.init))
        guard let id = request.cookies[Self.cookie]?.value, let session = sessions.touch(id, language: language) else {
            return .failure(.signIn(language ?? .fr))
        }
        let principal: Principal
        do throws(APIError) {
            principal = try access.admit(TokenService.VerifiedAccess(
                principal: .user(session.userID, .student), tokenID: "console", generation: session.generation, expiresAt: .distantFuture
            ))
            // Signed out (here or on another node, before a restart): the sealed cookie outlives it.
            guard try access.loginIsOpen(userID: session.userID, familyID: session.familyID) else {
                return .failure(.signIn(session.language))
            }
        } catch {
            // A password reset, an erasure or a closed account ends the console session too.
            return .failure(.signIn(session.language))
        }
        guard let role = principal.role, area.admits(role) else {
            return .failure(.forbidden(session.language))
        }
        return .success(ConsoleVisit(session: session, principal: principal, role: role))
    }

    /// Whether `form` carries the session's CSRF token (compared in constant time).
    static func carriesToken(_ form: ConsoleForm, of visit: ConsoleVisit) -> Bool {
        guard let token = form.raw("csrf") else { return false }
        return ConstantTime.equals(Array(token.utf8), Array(visit.csrfToken.utf8))
    }

    /// A `Set-Cookie` value for the console's path: `HttpOnly`, `SameSite=Strict`, `Secure` when the
    /// request came over TLS (directly or through a proxy saying so); `value` `nil` deletes it.
    static func setCookie(_ name: String, _ value: String?, request: Request) -> String {
        let secure = request.arrivedOverTLS
        var cookie = "\(name)=\(value ?? ""); Path=/console; HttpOnly; SameSite=Strict"
        if value == nil { cookie += "; Max-Age=0" }
        if secure { cookie += "; Secure" }
        return cookie
    }
}

/// Why a console request was not let through.
enum ConsoleRefusal: Error {
    /// No live session: back to the sign-in page.
    case signIn(ConsoleLanguage)
    /// Signed in with a role the page does not admit.
    case forbidden(ConsoleLanguage)
}
