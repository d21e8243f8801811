import Domain
public import Hummingbird

/// Charges every request to its client's buckets (per account when signed in, per IP always) and
/// answers 429 with `Retry-After` when one is empty.
public struct RateLimitMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    let throttle: RequestThrottle

    /// A middleware charging `throttle`.
    public init(throttle: RequestThrottle) {
        self.throttle = throttle
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try throttle.charge(account: context.principal?.userID, ip: context.peerAddress)
        return try await next(request, context)
    }
}
