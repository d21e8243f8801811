public import Hummingbird
import HTTPTypes

/// On a server that serves HTTPS itself (`serve --tls-cert/--tls-key`): every answer carries
/// `Strict-Transport-Security`, and every request is marked `https` for the routes after it.
///
/// Hummingbird's HTTP/1 codec names every request `http`, TLS or not; the routes that set cookies ask
/// the request (`Request.arrivedOverTLS`) whether to add `Secure`, so the mark is made once here.
/// Placed outside `NoSniffMiddleware`, which turns errors into answers: refusals get the header too.
public struct StrictTransportMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The header's value: a year, this host only (subdomains may be served by others, over HTTP).
    public static var policy: String { "max-age=31536000" }

    /// The middleware.
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var head = request.head
        head.scheme = "https"
        var response = try await next(Request(head: head, body: request.body), context)
        response.headers[.strictTransportSecurity] = Self.policy
        return response
    }
}
