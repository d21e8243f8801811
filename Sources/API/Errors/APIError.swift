public import EventSourcing
import Foundation
import HTTPTypes
public import Hummingbird

/// A failure answered as `application/problem+json` (RFC 9457): the one error shape of the API.
///
/// Every refusal reaches the client through this type: domain rejections (`init(rejection:)`),
/// validation failures naming their fields, auth and rate-limit refusals. The `type` is a relative
/// URI per kind of problem (`/problems/validation-failed`), documented in `docs/api.md`.
public struct APIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    /// One invalid input: the camelCase field (with a path, `skills[2].name`) and what is wrong.
    public struct FieldProblem: Codable, Sendable, Equatable {
        public var field: String
        public var message: String

        /// A field problem.
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// The problem kind, a slug appended to `/problems/`.
    public let kind: String
    /// A sentence for the client: what went wrong and how to fix it.
    public let detail: String
    /// The fields at fault, for validation problems.
    public let errors: [FieldProblem]
    /// Extra headers (`Retry-After`, `WWW-Authenticate`).
    public let headers: HTTPFields

    /// An error with every part given.
    public init(status: HTTPResponse.Status, kind: String, detail: String, errors: [FieldProblem] = [], headers: HTTPFields = [:]) {
        self.status = status
        self.kind = kind
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    public var description: String { "\(status.code) \(kind): \(detail)" }

    // MARK: The contract's statuses

    /// 400: the request cannot be read (malformed JSON, a bad header or query value).
    public static func badRequest(_ detail: String, field: String? = nil) -> APIError {
        APIError(status: .badRequest, kind: "malformed-request", detail: detail,
                 errors: field.map { [FieldProblem(field: $0, message: detail)] } ?? [])
    }

    /// 401: no valid access token.
    public static func unauthenticated(_ detail: String) -> APIError {
        APIError(status: .unauthorized, kind: "unauthenticated", detail: detail, headers: [.wwwAuthenticate: "Bearer"])
    }

    /// 403: the caller may not do this.
    public static func forbidden(_ detail: String) -> APIError {
        APIError(status: .forbidden, kind: "forbidden", detail: detail)
    }

    /// 404: absent.
    public static func notFound(_ detail: String) -> APIError {
        APIError(status: .notFound, kind: "not-found", detail: detail)
    }

    /// 409: conflicts with the current state.
    public static func conflict(_ detail: String, field: String? = nil) -> APIError {
        APIError(status: .conflict, kind: "conflict", detail: detail,
                 errors: field.map { [FieldProblem(field: $0, message: detail)] } ?? [])
    }

    /// 413: the body is larger than the route accepts.
    public static func tooLarge(limit: Int) -> APIError {
        APIError(status: .contentTooLarge, kind: "payload-too-large",
                 detail: "the request body is larger than the \(limit / 1024) KiB this endpoint accepts")
    }

    /// 422: values that are well-formed but invalid, each naming its field.
    public static func invalid(_ field: String, _ message: String) -> APIError {
        invalid([FieldProblem(field: field, message: message)])
    }

    /// 422 with several fields at fault.
    public static func invalid(_ problems: [FieldProblem]) -> APIError {
        let detail = problems.count == 1 ? problems[0].message : "\(problems.count) fields are invalid; see errors"
        return APIError(status: .unprocessableContent, kind: "validation-failed", detail: detail, errors: problems)
    }

    /// 429 with `Retry-After` in whole seconds.
    public static func tooManyRequests(_ detail: String, retryAfter seconds: Int) -> APIError {
        APIError(status: .tooManyRequests, kind: "rate-limited", detail: detail,
                 headers: [.retryAfter: String(max(1, seconds))])
    }

    /// 503 with `Retry-After`: the read model has not caught up, or the server is shutting down.
    public static func unavailable(_ detail: String, retryAfter seconds: Int) -> APIError {
        APIError(status: .serviceUnavailable, kind: "unavailable", detail: detail,
                 headers: [.retryAfter: String(max(1, seconds))])
    }

    /// 503 with `Retry-After`: the command's events are durable here but fewer replicas than
    /// `--sync-replicas` confirmed them within `--sync-timeout`. They may exist: retry with the same
    /// `Idempotency-Key`.
    public static func replicationTimeout(_ detail: String, retryAfter seconds: Int) -> APIError {
        APIError(status: .serviceUnavailable, kind: "replication-timeout", detail: detail,
                 headers: [.retryAfter: String(max(1, seconds))])
    }

    /// 503 with `Retry-After`: this node is a former primary fenced by a newer epoch (or not yet
    /// following anyone): it takes no command. `X-Primary-URL` names the current primary when known.
    public static func notPrimary(_ detail: String, primaryURL: String?) -> APIError {
        var headers: HTTPFields = [.retryAfter: "1"]
        if let primaryURL { headers[HTTPField.Name("X-Primary-URL")!] = primaryURL }
        return APIError(status: .serviceUnavailable, kind: "not-primary", detail: detail, headers: headers)
    }

    /// 409 with `Retry-After`: a request with this `Idempotency-Key` took effect but its answer is
    /// not recorded yet — it is still running, or the server stopped before recording it.
    public static func idempotencyKeyInUse() -> APIError {
        APIError(status: .conflict, kind: "idempotency-key-in-use",
                 detail: "a request with this Idempotency-Key is still running; retry to get its outcome",
                 headers: [.retryAfter: "1"])
    }

    /// 500 without internals: the request id lets an operator find the logged cause.
    public static func internalError(requestID: String) -> APIError {
        APIError(status: .internalServerError, kind: "internal-error",
                 detail: "the server failed to handle this request; it was logged as request \(requestID)")
    }

    /// The HTTP form of a domain rejection: invalid → 422, conflict → 409, forbidden → 403, notFound → 404.
    public init(rejection: some DomainRejection) {
        switch rejection.category {
        case .invalid:
            self = .invalid(rejection.field ?? "body", rejection.message)
        case .conflict:
            self = .conflict(rejection.message, field: rejection.field)
        case .forbidden:
            self = .forbidden(rejection.message)
        case .notFound:
            self = .notFound(rejection.message)
        }
    }

    // MARK: Response

    /// The RFC 9457 body.
    struct Problem: Encodable {
        var type: String
        var title: String
        var status: Int
        var detail: String
        var instance: String?
        var errors: [FieldProblem]?
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let problem = Problem(
            type: "/problems/\(kind)", title: status.reasonPhrase, status: status.code, detail: detail,
            instance: nil, errors: errors.isEmpty ? nil : errors
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(problem)) ?? Data()
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
