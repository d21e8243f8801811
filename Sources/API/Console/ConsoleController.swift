import Cryptography
import Domain
import Foundation
import HTTPTypes
import Hummingbird

/// `/console`: sign-in (email, password, TOTP code) into a server-side session, sign-out, the
/// assets, and the pages each part of the console adds through `ConsoleRoutes`.
///
/// Signing in runs the API's own check (`PasswordSignIn`): the same locks, throttles and 2FA, and
/// the login is recorded in the log like any other; signing out ends that login there too.
struct ConsoleController {
    let signIn: PasswordSignIn
    let sessions: ConsoleSessions
    let access: AccountAccess
    let commands: CommandExecutor
    let tokens: TokenService

    /// The pages' registrar on `router`, under `/console` with the console's security headers.
    func addRoutes(to router: Router<AppRequestContext>, pages: [any ConsolePages]) {
        let group = router.group("console").add(middleware: ConsoleHeadersMiddleware())
        ConsoleAssets.addRoutes(to: group)
        let gate = ConsoleGate(sessions: sessions, access: access)
        group.get { request, context in try await entry(request, gate: gate, pages: pages) }
        group.post("login") { request, context in try await login(request, context) }
        let routes = ConsoleRoutes(group: group, gate: gate)
        routes.post("logout", .moderation) { _, _, visit in try await logout(visit) }
        for page in pages { page.addRoutes(to: routes) }
    }

    /// `GET /console`: the overview for a signed-in admin, moderation for a moderator, the sign-in page otherwise.
    func entry(_ request: Request, gate: ConsoleGate, pages: [any ConsolePages]) async throws -> Response {
        switch gate.admit(request, area: .moderation) {
        case .failure(.forbidden(let language)):
            return ConsoleRoutes.forbiddenPage(language)
        case .failure(.signIn(let language)):
            return signInPage(request, language: language, message: nil, status: .ok)
        case .success(let visit):
            guard visit.role == .admin, let overview = pages.compactMap({ $0 as? OverviewPage }).first else {
                return ConsoleResponse.redirect("/console/moderation")
            }
            do {
                return try await overview.render(visit)
            } catch {
                return ConsoleRoutes.errorPage(error, visit)
            }
        }
    }

    /// The sign-in form, with a fresh token in a cookie and in the form (a form posted from
    /// elsewhere has neither).
    func signInPage(_ request: Request, language: ConsoleLanguage, message: String?, status: HTTPResponse.Status) -> Response {
        let token = ConsoleSessions.randomToken()
        let page = ConsoleLayout.page(language("Connexion à la console", "Console sign-in"), language: language, visit: nil, main: """
            \(message.map { "<p class=\"error\" role=\"alert\">\($0)</p>" as HTML } ?? .empty)
            <form method="post" action="/console/login" class="stack">
            <input type="hidden" name="csrf" value="\(token)">
            <input type="hidden" name="lang" value="\(language.rawValue)">
            <label>\(language("Adresse e-mail", "Email address"))<input type="email" name="email" autocomplete="username" required></label>
            <label>\(language("Mot de passe", "Password"))<input type="password" name="password" autocomplete="current-password" required></label>
            <label>\(language("Code à usage unique (si la double authentification est active)", "One-time code (when two-factor authentication is on)"))\
            <input type="text" name="totpCode" inputmode="numeric" autocomplete="one-time-code"></label>
            <button type="submit">\(language("Se connecter", "Sign in"))</button>
            </form>
            """)
        var headers = HTTPFields()
        headers[.setCookie] = ConsoleGate.setCookie(ConsoleGate.signInCookie, token, request: request)
        return ConsoleResponse.html(page, status: status, headers: headers)
    }

    /// `POST /console/login`: 303 to the console with a session cookie, or the form again with why not.
    func login(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await ConsoleForm.read(&request, context: context)
        let language = ConsoleLanguage(query: form["lang"]) ?? .fr
        guard let expected = request.cookies[ConsoleGate.signInCookie]?.value, let sent = form.raw("csrf"),
              !expected.isEmpty, ConstantTime.equals(Array(expected.utf8), Array(sent.utf8))
        else {
            return signInPage(request, language: language, message: language(
                "Ce formulaire a expiré ; saisissez à nouveau vos identifiants.", "This form expired; enter your credentials again."
            ), status: .forbidden)
        }
        let signedIn: PasswordSignIn.SignedIn
        do {
            signedIn = try await signIn.signIn(
                email: form["email"] ?? "", password: form.raw("password") ?? "", totpCode: form["totpCode"], ip: context.peerAddress
            )
        } catch let error as APIError {
            let message: String = switch error.status {
            case .tooManyRequests: language("Trop de tentatives : réessayez plus tard.", "Too many attempts: try again later.")
            case .unprocessableContent: language(
                "Saisissez le code de votre application d'authentification.", "Enter the code from your authenticator app.")
            default: language("Adresse, mot de passe ou code incorrect.", "The email, password or code is incorrect.")
            }
            return signInPage(request, language: language, message: message, status: error.status)
        }
        guard ConsoleArea.moderation.admits(signedIn.state.role) else {
            // The credentials were right, but this console is not theirs: the login just recorded ends now.
            try await endLogin(userID: signedIn.userID, familyID: signedIn.familyID, refreshToken: signedIn.refreshToken)
            return ConsoleRoutes.forbiddenPage(language)
        }
        let session = try sessions.open(
            userID: signedIn.userID, generation: signedIn.state.accessGeneration, familyID: signedIn.familyID,
            refreshTokenHash: signedIn.refreshTokenHash, language: language
        )
        var headers = HTTPFields()
        headers.append(HTTPField(name: .setCookie, value: ConsoleGate.setCookie(ConsoleGate.cookie, session.id, request: request)))
        headers.append(HTTPField(name: .setCookie, value: ConsoleGate.setCookie(ConsoleGate.signInCookie, nil, request: request)))
        return ConsoleResponse.redirect("/console/", headers: headers)
    }

    /// `POST /console/logout`: the session and its login end; back to the sign-in page.
    func logout(_ visit: ConsoleVisit) async throws -> Response {
        try await endLogin(userID: visit.session.userID, familyID: visit.session.familyID, refreshTokenHash: visit.session.refreshTokenHash)
        var headers = HTTPFields()
        headers[.setCookie] = "\(ConsoleGate.cookie)=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0"
        return ConsoleResponse.redirect(visit.language == .fr ? "/console" : "/console?lang=en", headers: headers)
    }

    /// Records the end of a login family, as `POST /auth/logout` does.
    func endLogin(userID: UUID, familyID: UUID, refreshToken: String) async throws {
        guard let parsed = tokens.parseRefreshToken(refreshToken) else { return }
        try await endLogin(userID: userID, familyID: familyID, refreshTokenHash: parsed.hash)
    }

    /// Records the end of a login family whose current refresh token has this hash.
    func endLogin(userID: UUID, familyID: UUID, refreshTokenHash: String) async throws {
        _ = try await commands.execute(
            .logOut(familyID: familyID, presentedTokenHash: refreshTokenHash, now: commands.now()),
            on: Identity.Account.self, stream: StreamName.account(userID), by: nil
        )
    }
}

/// A part of the console: its pages and forms.
protocol ConsolePages: Sendable {
    /// Registers its pages and forms, each with its area.
    func addRoutes(to routes: ConsoleRoutes)
}
