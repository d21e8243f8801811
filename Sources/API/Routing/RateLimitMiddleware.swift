import Domain
import HTTPTypes
public import Hummingbird

/// Charges every request to its client's buckets (per account when signed in, per IP always) and
/// answers 429 with `Retry-After` when one is empty.
public struct RateLimitMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    let throttle: RequestThrottle
    /// Requests proving this secret (`X-Replication-Secret`: a cluster's nodes) are not charged: a
    /// replica's confirmations would otherwise spend its address's budget.
    let exempt: ReplicationSecret?

    /// A middleware charging `throttle`, except requests proving `exempt`.
    public init(throttle: RequestThrottle, exempt: ReplicationSecret? = nil) {
        self.throttle = throttle
        self.exempt = exempt
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let exempt, let presented = request.headers[HTTPField.Name(ReplicationSecret.header)!], exempt.admits(presented) {
            return try await next(request, context)
        }
        try throttle.charge(account: context.principal?.userID, ip: context.peerAddress)
        return try await next(request, context)
    }
}
