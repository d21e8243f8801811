import Foundation
import Hummingbird

/// The pages behind the mailed links: `GET /reset-password?token=…` (a form) and its `POST`, and
/// `GET /auth/verify-email?token=…` answered to a browser.
extension AuthController {
    func addPageRoutes(to routes: RouteTable) {
        routes.add(.get, "/reset-password", readsModels: false, RouteDocumentation(
            "The page of the mailed reset link: a form choosing a new password (HTML)", tag: "Auth", query: ["token": .text],
            alternateMediaType: "text/html"
        )) { request, _ in try resetPage(request) }
        routes.add(.post, "/reset-password", RouteDocumentation(
            "The reset form's submission (application/x-www-form-urlencoded: token, newPassword); answers a page", tag: "Auth",
            alternateMediaType: "text/html"
        )) { request, context in try await submitResetPage(&request, context) }
        routes.add(.get, "/pages/style.css", readsModels: false, RouteDocumentation(
            "The stylesheet of the server's pages", tag: "Auth", alternateMediaType: "text/css"
        )) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: AccountPages.stylesheet))
            )
        }
    }

    /// The form; a client that does not ask for HTML gets its refusals as problem+json, like every route.
    func resetPage(_ request: Request) throws -> Response {
        let token = try QueryParameters(request).string("token", maxLength: 200)
        if token?.isEmpty ?? true, !AccountPages.prefersHTML(request) {
            throw APIError.badRequest("add ?token= from the reset mail", field: "token")
        }
        return resetForm(token: token, language: Self.language(of: request))
    }

    func resetForm(token: String?, language: AccountMail.Language, error: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let fr = language == .fr
        let title = fr ? "Nouveau mot de passe" : "New password"
        guard let token, !token.isEmpty else {
            return AccountPages.page(title, "<p class=\"error\">\(fr ? "Ce lien est incomplet : ouvrez celui du dernier e-mail reçu." : "This link is incomplete: open the one in the latest mail.")</p>",
                                     language: language, status: .badRequest)
        }
        let e = HTML.escape
        let problem = error.map { "<p class=\"error\">\(e($0))</p>" } ?? ""
        return AccountPages.page(title, """
            \(problem)
            <form method="post" action="/reset-password">
            <input type="hidden" name="token" value="\(e(token))">
            <input type="hidden" name="language" value="\(language.rawValue)">
            <label for="newPassword">\(fr ? "Nouveau mot de passe" : "New password")</label>
            <input type="password" id="newPassword" name="newPassword" minlength="10" required autocomplete="new-password">
            <p class="hint">\(fr ? "Au moins 10 caractères ; une phrase est plus sûre qu'un mot." : "At least 10 characters; a phrase is safer than a word.")</p>
            <button type="submit">\(fr ? "Enregistrer" : "Save")</button>
            </form>
            """, language: language, status: status)
    }

    func submitResetPage(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        try limitAuth(context)
        let buffer = try await request.collectBody(limit: 16 * 1024)
        let fields = FormEncoding.decode(String(buffer: buffer))
        let language: AccountMail.Language = fields["language"] == "en" ? .en : (fields["language"] == "fr" ? .fr : Self.language(of: request))
        let token = fields["token"]
        do {
            let position = try await reset(token: token ?? "", newPassword: fields["newPassword"] ?? "")
            var response = AccountPages.page(
                language == .fr ? "Mot de passe changé" : "Password changed",
                "<p>\(language == .fr ? "Votre nouveau mot de passe est enregistré. Toutes vos sessions ouvertes ont été fermées : reconnectez-vous." : "Your new password is saved. Every open session was ended: sign in again.")</p>",
                language: language
            )
            response.headers[JSONResponse.logPosition] = String(position)
            return response
        } catch {
            guard AccountPages.prefersHTML(request) else { throw error }
            // The form again, saying what to fix (a weak password, a spent or expired link).
            let message = error.errors.first?.message ?? error.detail
            return resetForm(token: token, language: language, error: message, status: error.status)
        }
    }

    func verifyEmailPage(_ request: Request) async throws -> Response {
        let language = Self.language(of: request)
        let fr = language == .fr
        do {
            guard let token = try QueryParameters(request).string("token", maxLength: 200) else {
                throw APIError.badRequest(fr ? "Ce lien est incomplet." : "This link is incomplete.", field: "token")
            }
            let position = try await verify(token: token)
            var response = AccountPages.page(
                fr ? "Adresse confirmée" : "Address confirmed",
                "<p>\(fr ? "Merci : votre adresse e-mail est confirmée." : "Thank you: your email address is confirmed.")</p>", language: language
            )
            response.headers[JSONResponse.logPosition] = String(position)
            return response
        } catch let error as APIError {
            let message = error.errors.first?.message ?? error.detail
            return AccountPages.page(fr ? "Lien non valable" : "Link not valid", "<p class=\"error\">\(HTML.escape(message))</p>",
                                     language: language, status: error.status)
        }
    }
}
