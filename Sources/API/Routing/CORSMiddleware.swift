import Foundation
public import Hummingbird

/// Cross-origin access for the web applications listed in `PROTALENT_CORS_ORIGINS` (comma
/// separated, e.g. `https://app.example.org`), and for nobody else: a request from another origin
/// gets no CORS header, so a browser keeps its answer from the page that asked.
///
/// A preflight (`OPTIONS` with `Access-Control-Request-Method`) from a listed origin is answered
/// here with 204, before authentication (a preflight carries no token). Credentials are bearer
/// tokens, never cookies: `Access-Control-Allow-Credentials` is not sent.
public struct CORSMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The allowed origins, exactly as browsers send them (`scheme://host[:port]`).
    public let origins: Set<String>

    /// Headers a page may send.
    static var allowedHeaders: String { "Authorization, Content-Type, Idempotency-Key, X-Min-Position, Accept-Language" }
    /// Headers a page may read.
    static var exposedHeaders: String { "X-Log-Position, Retry-After, Location" }

    /// A middleware allowing `origins`.
    public init(origins: Set<String>) {
        self.origins = origins
    }

    /// The origins in `PROTALENT_CORS_ORIGINS`.
    public init(environment: [String: String]) {
        self.init(origins: Set((environment["PROTALENT_CORS_ORIGINS"] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }))
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], origins.contains(origin) else { return try await next(request, context) }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            return Response(status: .noContent, headers: [
                .accessControlAllowOrigin: origin, .vary: "Origin",
                .accessControlAllowMethods: "GET, POST, PUT, DELETE",
                .accessControlAllowHeaders: Self.allowedHeaders, .accessControlMaxAge: "600",
            ])
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
        response.headers[.vary] = "Origin"
        return response
    }
}
