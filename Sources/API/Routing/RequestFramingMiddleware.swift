import Foundation
public import Hummingbird

/// Refuses (400, problem+json, `Connection: close`) a request whose body length the server would
/// have to guess, before any handler runs: a `Transfer-Encoding` other than `chunked` alone
/// (`xchunked`, `gzip`), or one beside a `Content-Length`.
///
/// NIO's HTTP decoder (llhttp, strict) flags a lone unknown coding only after it has handed the
/// request's head on, so without this check a handler that reads the body met a decoder error (a
/// 500) and one that does not answered as if the body were fine; RFC 9112 §6.3 says 400 and close.
/// What the decoder refuses while still reading the head — `chunked` not last (`chunked,
/// identity`), `Content-Length` beside `Transfer-Encoding`, two different or negative
/// `Content-Length`s — never reaches the router and gets Hummingbird's bare 400 (no body) and a
/// closed connection; the `Content-Length` check here only holds should the decoder let one
/// through. Broken chunks inside the body surface while a handler reads it, as a 400 from
/// `ProblemMiddleware`.
public struct RequestFramingMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The middleware.
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let codings = request.headers[values: .transferEncoding]
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if !codings.isEmpty {
            guard codings == ["chunked"] else {
                throw Self.refusal("Transfer-Encoding must be `chunked` alone (found `\(codings.joined(separator: ", "))`)")
            }
            guard request.headers[.contentLength] == nil else {
                throw Self.refusal("send either Content-Length or Transfer-Encoding: chunked, not both")
            }
        }
        return try await next(request, context)
    }

    static func refusal(_ detail: String) -> APIError {
        APIError(status: .badRequest, kind: "malformed-request", detail: detail, headers: [.connection: "close"])
    }
}
