public import Hummingbird
import Logging
import NIOHTTP1
import Projections
import ReadModels

/// Turns every error a route throws into problem+json, once, at the edge.
///
/// `APIError`s answer as they are; Hummingbird's own `HTTPError`s (unknown route, body too large,
/// bad method) keep their status in problem form; the HTTP decoder's `HTTPParserError`, met while
/// a handler reads a body whose framing is malformed (a bad chunk size), is the client's: 400;
/// anything else is a bug: it is logged with the request id and answered as a 500 that names the
/// id, never with internals.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The middleware.
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            throw Self.problem(for: error)
        } catch let error as HTTPParserError {
            throw APIError.badRequest("the request body's framing is malformed (\(error)); send a valid Content-Length or chunked body")
        } catch let error as ReadModelError where error.isCallerError {
            throw APIError.badRequest(error.description, field: "cursor")
        } catch let error as ReadModelError where error.isTemporary {
            throw APIError.unavailable(error.description, retryAfter: 2)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: type(of: error)))", "description": "\(error)"])
            throw APIError.internalError(requestID: context.id)
        }
    }

    static func problem(for error: HTTPError) -> APIError {
        switch error.status {
        case .notFound:
            return .notFound(error.body ?? "no such endpoint; see /openapi.json")
        case .contentTooLarge:
            return APIError(status: .contentTooLarge, kind: "payload-too-large", detail: error.body ?? "the request body is too large")
        case .methodNotAllowed:
            return APIError(status: .methodNotAllowed, kind: "method-not-allowed", detail: error.body ?? "this endpoint does not accept this method", headers: error.headers)
        default:
            let kind = error.status.code < 500 ? "malformed-request" : "internal-error"
            return APIError(status: error.status, kind: kind, detail: error.body ?? error.status.reasonPhrase, headers: error.headers)
        }
    }
}
