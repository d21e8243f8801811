import Foundation
public import Hummingbird

/// On a replica, answers a command with `307 Temporary Redirect` to the same path and query on the
/// primary (its advertised URL, else `--replica-of`): a 307 keeps the method and body, so clients
/// and load balancers simply follow. The primary then authenticates and decides.
public struct ReplicaRedirectMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    let node: ReplicationNode

    /// Redirects to `node`'s primary.
    public init(node: ReplicationNode) {
        self.node = node
    }

    /// Whether a route changes the log (and so goes to the primary): every method but GET, and the
    /// one GET that records an event; not the POSTs that only read read models (recommendations,
    /// chat), nor what is this node's own (a projection's rebuild, a replica's confirmation).
    static func redirects(method: String, path: String, readsModels: Bool) -> Bool {
        switch (method, path) {
        case ("GET", "/auth/verify-email"): true
        case ("GET", _), ("HEAD", _): false
        case ("POST", "/admin/projections/{name}/rebuild"), ("POST", "/replication/confirm"), ("POST", "/replication/fence"),
             ("POST", "/admin/replication/promote"): false
        default: !readsModels
        }
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        switch node.standing {
        case .primary:
            return try await next(request, context)
        case .fenced:
            let primary = node.primaryURL?.absoluteString
            throw APIError.notPrimary(
                "this node is a former primary fenced by epoch \(node.fence?.epoch ?? node.epoch): it takes no command "
                    + "(send it to \(primary ?? "the current primary"); an operator runs `protalent rejoin`)",
                primaryURL: primary
            )
        case .replica:
            break
        }
        guard let primary = node.primaryURL else {
            throw APIError.unavailable("this replica does not know its primary's address yet", retryAfter: 1)
        }
        var base = primary.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        var headers: HTTPFields = [:]
        headers[.location] = base + request.uri.description
        headers[.cacheControl] = "no-store"
        return Response(status: .temporaryRedirect, headers: headers)
    }
}
