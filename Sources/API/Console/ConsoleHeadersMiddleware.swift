import HTTPTypes
import Hummingbird

/// The strict headers of every console answer: a Content-Security-Policy that runs only the
/// binary's own script and stylesheet (no inline code, no `unsafe-inline`), no framing, no
/// referrer, no caching of pages that show personal data.
struct ConsoleHeadersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    /// The policy: everything from this origin only; forms post only here; no plugins, no base.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[Self.frameOptions] = "DENY"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.referrerPolicy] = "no-referrer"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
