import Cryptography
import Domain
import EventLog
import EventSourcing
import Foundation
public import Hummingbird
import Logging
import ReadModels

/// What the OpenAPI document says of a route.
public struct RouteDocumentation: Sendable {
    /// One line.
    public var summary: String
    /// The group (`Auth`, `Users`, …).
    public var tag: String
    /// The JSON body, when the route takes one.
    public var request: JSONSchema?
    /// The success status.
    public var status: Int
    /// The success body (`nil`: none).
    public var response: JSONSchema?
    /// The query parameters and their schemas.
    public var query: [String: JSONSchema]
    /// Another media type the route can answer with (e.g. `text/calendar`).
    public var alternateMediaType: String?
    /// Whether the body is raw bytes (avatars) rather than JSON.
    public var binaryRequest: Bool
    /// Whether the JSON body may be left out (the handler reads an absent body as `{}`).
    public var optionalBody: Bool

    /// Documentation of a route.
    public init(
        _ summary: String, tag: String, request: JSONSchema? = nil, status: Int = 200, response: JSONSchema? = nil,
        query: [String: JSONSchema] = [:], alternateMediaType: String? = nil, binaryRequest: Bool = false,
        optionalBody: Bool = false
    ) {
        self.summary = summary
        self.tag = tag
        self.request = request
        self.status = status
        self.response = response
        self.query = query
        self.alternateMediaType = alternateMediaType
        self.binaryRequest = binaryRequest
        self.optionalBody = optionalBody
    }
}

/// A registered route: what the router serves and what the OpenAPI document describes.
public struct RouteEntry: Sendable {
    /// `GET`, `POST`, …
    public var method: String
    /// The path with `{name}` parameters.
    public var path: String
    /// Who may call it.
    public var access: Access
    /// Whether it reads read models (and so honours `X-Min-Position`).
    public var readsModels: Bool
    /// Its documentation.
    public var documentation: RouteDocumentation
}

/// Registers routes on the router, and keeps the list the OpenAPI document is generated from, so
/// the document cannot name a route the router lacks or miss one it has.
///
/// Every handler is wrapped with the checks all routes share, in order: authentication (bearer
/// token → `context.principal`), rate limits (per IP, per account), the `AccessPolicy` rule, and
/// for reads `X-Min-Position` (wait up to 5 s for the read models, else 503).
public final class RouteTable: @unchecked Sendable {
    // @unchecked: mutated only while the application is built, on one task, before it serves.
    private let router: Router<AppRequestContext>
    private let platform: Platform
    /// The routes, in registration order.
    public private(set) var entries: [RouteEntry] = []

    /// A table registering on `router`.
    public init(router: Router<AppRequestContext>, platform: Platform) {
        self.router = router
        self.platform = platform
    }

    /// A request handler.
    public typealias Handler = @Sendable (inout Request, AppRequestContext) async throws -> Response

    /// Registers `handler` for `method path`; `readsModels` defaults to true for GET.
    public func add(
        _ method: HTTPRequest.Method, _ path: String, readsModels: Bool? = nil, _ documentation: RouteDocumentation,
        handler: @escaping Handler
    ) {
        guard let access = AccessPolicy.rule(method: method.rawValue, path: path) else {
            preconditionFailure("\(method.rawValue) \(path) has no rule in AccessPolicy")
        }
        let reads = readsModels ?? (method == .get)
        entries.append(RouteEntry(method: method.rawValue, path: path, access: access, readsModels: reads, documentation: documentation))
        let platform = self.platform
        router.on(RouterPath(path), method: method) { request, context in
            var request = request
            var context = context
            try Self.authenticate(request, &context, platform: platform, access: access)
            try Self.limit(context, platform: platform)
            try access.check(context.principal)
            if reads { try await Self.awaitMinPosition(request, platform: platform) }
            return try await handler(&request, context)
        }
    }

    private static func authenticate(_ request: Request, _ context: inout AppRequestContext, platform: Platform, access: Access) throws {
        guard let header = request.headers[.authorization] else { return }
        guard header.utf8.count <= 8_192, header.lowercased().hasPrefix("bearer ") else {
            if access == .anonymous { return }
            throw APIError.unauthenticated("use `Authorization: Bearer <accessToken>`")
        }
        let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        do {
            let verified = try platform.tokens.principal(fromAccessToken: token, now: platform.clock.now())
            context.principal = verified.principal
            context.tokenID = verified.tokenID
        } catch {
            // A stale token on a public route is ignored, so an expired session does not block browsing.
            if access != .anonymous { throw error }
        }
    }

    private static func limit(_ context: AppRequestContext, platform: Platform) throws {
        let limits = platform.configuration.rateLimits
        guard limits.enabled else { return }
        let now = platform.clock.now()
        if let id = context.principal?.userID,
           let wait = platform.limiter.take("account:\(id)", rule: limits.perAccount, now: now) {
            throw APIError.tooManyRequests("too many requests from this account; slow down", retryAfter: wait)
        }
        if let wait = platform.limiter.take("ip:\(context.peerAddress ?? "local")", rule: limits.perIP, now: now) {
            throw APIError.tooManyRequests("too many requests from this address; slow down", retryAfter: wait)
        }
    }

    private static func awaitMinPosition(_ request: Request, platform: Platform) async throws {
        guard let text = request.headers[JSONResponse.minPosition] else { return }
        guard let position = Int64(text.trimmingCharacters(in: .whitespaces)), position >= 0 else {
            throw APIError.badRequest("X-Min-Position must be a non-negative integer (a log position)", field: "X-Min-Position")
        }
        if position > platform.log.head {
            throw APIError.badRequest("X-Min-Position \(position) is beyond the log's head (\(platform.log.head))", field: "X-Min-Position")
        }
        guard await platform.readModelsReach(position, timeout: platform.configuration.readYourWritesTimeout) else {
            throw APIError.unavailable("the read models have not reached position \(position) yet; retry shortly", retryAfter: 1)
        }
    }
}
