public import Hummingbird

/// Admits the callers a route's `AccessPolicy` rule allows: 401 without a valid token where one is
/// needed, 403 for the wrong role.
///
/// `RouteTable` puts one in front of every route group, built from the route's rule, so no route
/// is served without its check.
public struct AccessMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    /// The rule it enforces.
    public let access: Access

    /// A middleware enforcing `access`.
    public init(_ access: Access) {
        self.access = access
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if access == .scraper, context.isScraper { return try await next(request, context) }
        if access != .anonymous, let failure = context.authenticationFailure { throw failure }
        try access.check(context.principal)
        return try await next(request, context)
    }
}
