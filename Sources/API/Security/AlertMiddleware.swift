import Domain
public import Hummingbird

/// Shows every answered request to the `AlertMonitor` (failed logins and 403/404 per address,
/// exports per caller), after the answer is made; counting takes a lock and never waits.
public struct AlertMiddleware: RouterMiddleware {
    /// The monitor told.
    let monitor: AlertMonitor

    /// The middleware telling `monitor`.
    public init(monitor: AlertMonitor) {
        self.monitor = monitor
    }

    public func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            let response = try await next(request, context)
            observe(request, context, status: Int(response.status.code))
            return response
        } catch let error as any HTTPResponseError {
            observe(request, context, status: Int(error.status.code))
            throw error
        }
    }

    private func observe(_ request: Request, _ context: AppRequestContext, status: Int) {
        monitor.requestFinished(
            method: request.method.rawValue, path: request.uri.path, status: status, address: context.peerAddress,
            userID: context.principal?.userID
        )
    }
}
