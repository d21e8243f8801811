public import Hummingbird
import HTTPTypes

/// Behind trusted proxies (`PROTALENT_TRUSTED_PROXIES`): the request's `peerAddress` becomes the
/// client's address from `X-Forwarded-For`, so everything after it — rate limits, security alerts,
/// request logs — sees the person, not nginx. The first router middleware.
public struct ForwardedForMiddleware: RouterMiddleware {
    /// The proxies believed.
    public let proxies: TrustedProxies

    /// A middleware believing `proxies`.
    public init(proxies: TrustedProxies) {
        self.proxies = proxies
    }

    public func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.peerAddress = proxies.client(peer: context.peerAddress, forwardedFor: request.headers[values: .xForwardedFor])
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    /// `X-Forwarded-For`, the addresses a request passed through.
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
