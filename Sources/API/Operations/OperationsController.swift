import Cryptography
import Domain
import EventLog
import EventSourcing
import Foundation
import Hummingbird
import Logging
import Metrics
import Projections
import Prometheus
import ReadModels

/// `/health`, `/metrics`, `/openapi.json`, and the admin role grant.
struct OperationsController {
    let platform: Platform
    /// The routes, for the OpenAPI document (read when it is requested, after every route is added).
    let routes: RouteTable

    struct Health: Encodable {
        var status: String
        var logHead: Int64
    }

    struct RoleBody: Decodable { var role: String }

    func addRoutes(to routes: RouteTable) {
        routes.add(.get, "/health", readsModels: false, RouteDocumentation(
            "Liveness: the server answers and its log is open", tag: "Operations",
            response: .object(["status": .text, "logHead": .integer()])
        )) { _, _ in try health() }
        routes.add(.get, "/metrics", readsModels: false, RouteDocumentation(
            "Prometheus text: requests and latency by route and status, log appends, projection lag", tag: "Operations",
            alternateMediaType: "text/plain"
        )) { _, _ in metrics() }
        routes.add(.get, "/openapi.json", readsModels: false, RouteDocumentation(
            "This API's OpenAPI 3.1 document", tag: "Operations", response: .any
        )) { _, _ in try openAPI() }
        routes.add(.put, "/admin/users/{id}/role", RouteDocumentation(
            "Grant a role (admin only; nobody changes their own role)", tag: "Admin",
            request: .object(["role": .oneOf(Role.self)], required: ["role"]), status: 204
        )) { request, context in try await grantRole(&request, context) }
    }

    func health() throws -> Response {
        try JSONResponse.json(Health(status: "ok", logHead: platform.log.head))
    }

    func metrics() -> Response {
        // Gauges sampled at scrape time: the log head and each projection's lag.
        Gauge(label: "protalent_log_head_position").record(platform.log.head)
        for status in platform.readModels.status() {
            Gauge(label: "protalent_projection_lag_events", dimensions: [("projection", status.name)]).record(status.lag)
        }
        var headers: HTTPFields = [:]
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: PlatformMetrics.registry.emitToBuffer())))
    }

    func openAPI() throws -> Response {
        var headers: HTTPFields = [:]
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-cache"
        let data = try OpenAPIDocument.make(routes.entries)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func grantRole(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        let target = try context.parameters.uuid("id", what: "user")
        let body = try await request.decodeJSON(RoleBody.self)
        let role = try enumField(body.role, "role", as: Role.self)!
        let committed = try await platform.execute(
            .grantRole(role, by: (try context.requirePrincipal()), now: platform.clock.now()),
            on: Identity.Account.self, stream: StreamName.account(target), by: context.principal
        )
        return JSONResponse.command(position: committed.position)
    }
}
