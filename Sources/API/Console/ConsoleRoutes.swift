import Foundation
import HTTPTypes
import Hummingbird

/// Registers console pages and forms behind `ConsoleGate`, each with its `ConsoleArea`.
///
/// Errors a handler throws become an HTML page with the same status and message as the API's
/// problem (`APIError`), never a JSON body in the browser.
struct ConsoleRoutes {
    let group: RouterGroup<AppRequestContext>
    let gate: ConsoleGate

    /// A page handler.
    typealias Page = @Sendable (Request, AppRequestContext, ConsoleVisit) async throws -> Response
    /// A form handler.
    typealias Action = @Sendable (ConsoleForm, AppRequestContext, ConsoleVisit) async throws -> Response

    /// `GET path` for visitors the area admits.
    func get(_ path: String, _ area: ConsoleArea, _ page: @escaping Page) {
        let gate = self.gate
        group.get(RouterPath(path)) { request, context in
            await Self.guarded(gate, request, area) { visit in try await page(request, context, visit) }
        }
    }

    /// `POST path` (a form) for visitors the area admits, with their session's CSRF token.
    func post(_ path: String, _ area: ConsoleArea, _ action: @escaping Action) {
        let gate = self.gate
        group.post(RouterPath(path)) { request, context in
            await Self.guarded(gate, request, area) { visit in
                var request = request
                let form = try await ConsoleForm.read(&request, context: context)
                guard ConsoleGate.carriesToken(form, of: visit) else {
                    throw APIError.forbidden(visit.language(
                        "ce formulaire n'est pas valable (jeton de session absent ou faux) ; rechargez la page",
                        "this form is not valid (missing or wrong session token); reload the page"
                    ))
                }
                return try await action(form, context, visit)
            }
        }
    }

    /// `body`'s answer for an admitted visit, the refusal's otherwise; an error `body` throws as its page.
    private static func guarded(
        _ gate: ConsoleGate, _ request: Request, _ area: ConsoleArea, _ body: (ConsoleVisit) async throws -> Response
    ) async -> Response {
        switch gate.admit(request, area: area) {
        case .failure(let refusal): return answer(refusal)
        case .success(let visit):
            var response: Response
            do {
                response = try await body(visit)
            } catch {
                response = errorPage(error, visit)
            }
            // The session was renewed (its idle clock or language): the browser keeps the new seal,
            // unless the answer sets the cookie itself (sign-out).
            if visit.session.id != request.cookies[ConsoleGate.cookie]?.value,
               !response.headers[values: .setCookie].contains(where: { $0.hasPrefix(ConsoleGate.cookie + "=") }) {
                response.headers.append(HTTPField(name: .setCookie, value: ConsoleGate.setCookie(ConsoleGate.cookie, visit.session.id, request: request)))
            }
            return response
        }
    }

    /// The answer to a refused visit.
    static func answer(_ refusal: ConsoleRefusal) -> Response {
        switch refusal {
        case .signIn(let language):
            return ConsoleResponse.redirect(language == .fr ? "/console" : "/console?lang=en")
        case .forbidden(let language):
            return forbiddenPage(language)
        }
    }

    /// The 403 page of a role that may not use the console (or this part of it).
    static func forbiddenPage(_ language: ConsoleLanguage) -> Response {
        let page = ConsoleLayout.page(language("Accès refusé", "Access denied"), language: language, visit: nil, main: """
            <p>\(language(
                "La console est réservée aux administrateurs ; les modérateurs n'y voient que la modération.",
                "The console is for admins; moderators see moderation only."))</p>
            <p><a href="/console">\(language("Retour à la connexion", "Back to sign-in"))</a></p>
            """)
        return ConsoleResponse.html(page, status: .forbidden)
    }

    /// The page of an error: the API's status and message for an `APIError`, 500 otherwise (its
    /// detail stays in the server's log, as the API does).
    static func errorPage(_ error: any Error, _ visit: ConsoleVisit) -> Response {
        let language = visit.language
        let status: HTTPResponse.Status
        let message: String
        if let error = error as? APIError {
            status = error.status
            message = ([error.detail] + error.errors.map { "\($0.field): \($0.message)" }).joined(separator: " — ")
        } else if let error = error as? any HTTPResponseError {
            status = error.status
            message = "\(error.status.code) \(error.status.reasonPhrase)"
        } else {
            status = .internalServerError
            message = language("erreur interne", "internal error")
        }
        let page = ConsoleLayout.page(language("Impossible", "Not possible"), language: language, visit: visit, main: """
            <p class="error" role="alert">\(message)</p>
            <p><a href="/console/">\(language("Retour", "Back"))</a></p>
            """)
        return ConsoleResponse.html(page, status: status)
    }
}
