public import Hummingbird

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
/// Each route is registered on a route group whose middleware enforce what every route shares, in
/// order: the route's `AccessPolicy` rule (a route without one cannot be registered), and for
/// routes that read read models `X-Min-Position`. Authentication and rate limits run before them
/// on the whole router (`AuthenticationMiddleware`, `RateLimitMiddleware`), so unknown paths and
/// refused tokens are limited too. One group per distinct rule, built on first use.
public final class RouteTable: @unchecked Sendable {
    // @unchecked: mutated only while the application is built, on one task, before it serves.
    private let router: Router<AppRequestContext>
    private let readYourWrites: ReadYourWritesMiddleware
    /// On a replica: where commands go instead of running here.
    private let replicaRedirect: ReplicaRedirectMiddleware?
    /// On a primary: `Idempotency-Key` on every command route.
    private let idempotency: IdempotencyMiddleware?
    private var groups: [GroupKey: RouterGroup<AppRequestContext>] = [:]
    /// The routes, in registration order.
    public private(set) var entries: [RouteEntry] = []

    private struct GroupKey: Hashable {
        var access: Access
        var readsModels: Bool
        var redirected = false
        var command = false
    }

    /// A table registering on `router`, putting `readYourWrites` in front of the routes that read
    /// models; on a replica, `replicaRedirect` answers its commands with a redirect to the primary;
    /// elsewhere `idempotency` runs in front of every command route (after its access rule).
    public init(
        router: Router<AppRequestContext>, readYourWrites: ReadYourWritesMiddleware, replicaRedirect: ReplicaRedirectMiddleware? = nil,
        idempotency: IdempotencyMiddleware? = nil
    ) {
        self.router = router
        self.readYourWrites = readYourWrites
        self.replicaRedirect = replicaRedirect
        self.idempotency = idempotency
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
        let command = ReplicaRedirectMiddleware.redirects(method: method.rawValue, path: path, readsModels: reads)
        let redirected = replicaRedirect != nil && command
        group(GroupKey(access: access, readsModels: reads, redirected: redirected, command: command)).on(RouterPath(path), method: method) { request, context in
            var request = request
            return try await handler(&request, context)
        }
    }

    private func group(_ key: GroupKey) -> RouterGroup<AppRequestContext> {
        if let group = groups[key] { return group }
        let group = router.group()
        // First, before the access rule: a replica redirects at once and the primary applies the
        // rule when the client follows; on the primary itself the middleware passes the request on.
        if key.redirected, let replicaRedirect { group.add(middleware: replicaRedirect) }
        group.add(middleware: AccessMiddleware(key.access))
        if key.readsModels { group.add(middleware: readYourWrites) }
        if key.command, let idempotency { group.add(middleware: idempotency) }
        groups[key] = group
        return group
    }
}
