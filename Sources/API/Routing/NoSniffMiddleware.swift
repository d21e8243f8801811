public import Hummingbird

/// The security headers of every answer the router gives, refusals included:
/// `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` and, unless the route set its
/// own, `Content-Security-Policy: default-src 'none'; frame-ancestors 'none'`.
///
/// nosniff makes a browser take each answer for its declared type — JSON, problem+json,
/// iCalendar, an image — and never sniff text it could run out of it. No answer names where it was
/// reached from (links carry tokens). The default policy lets nothing load from a JSON answer
/// opened in a browser and keeps any answer out of frames; the HTML pages set a policy of their
/// own (their stylesheet, their form). The outermost router middleware, so an error thrown by any
/// later step is turned into its answer here and gets the headers too. (A request the HTTP decoder
/// rejects before routing gets Hummingbird's bare 400, without them.)
public struct NoSniffMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The policy of answers whose route set none.
    public static var defaultContentSecurityPolicy: String { "default-src 'none'; frame-ancestors 'none'" }

    /// The middleware.
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        if response.headers[.referrerPolicy] == nil { response.headers[.referrerPolicy] = "no-referrer" }
        if response.headers[.contentSecurityPolicy] == nil { response.headers[.contentSecurityPolicy] = Self.defaultContentSecurityPolicy }
        return response
    }
}
