import EventLog
import HTTPTypes
import Hummingbird
import Metrics
import NIOCore
import Prometheus
import Projections
import ReadModels

/// `/health`, `/metrics`, `/openapi.json`.
struct OperationsController {
    let log: EventLog
    let projections: ProjectionSet
    let replication: ReplicationNode
    /// The routes, for the OpenAPI document (read when it is requested, after every route is added).
    let routes: RouteTable

    struct Health: Encodable {
        var status: String
        var logHead: Int64
    }

    func addRoutes(to routes: RouteTable) {
        routes.add(.get, "/health", readsModels: false, RouteDocumentation(
            "Liveness: the server answers and its log is open", tag: "Operations",
            response: .object(["status": .text, "logHead": .integer()])
        )) { _, _ in try health() }
        routes.add(.get, "/metrics", readsModels: false, RouteDocumentation(
            "Prometheus text: requests and latency by route and status, log appends, projection lag, replication positions and lag", tag: "Operations",
            alternateMediaType: "text/plain"
        )) { _, _ in metrics() }
        routes.add(.get, "/openapi.json", readsModels: false, RouteDocumentation(
            "This API's OpenAPI 3.1 document", tag: "Operations", response: .any
        )) { _, _ in try openAPI() }
    }

    func health() throws -> Response {
        try JSONResponse.json(Health(status: "ok", logHead: log.head))
    }

    func metrics() -> Response {
        // Gauges sampled at scrape time: the log head and each projection's lag.
        Gauge(label: "protalent_log_head_position").record(log.head)
        // What this process's open cut off as a torn tail (all 0 when nothing was cut).
        let torn = log.recovery.tornTail
        Gauge(label: "protalent_log_torn_tail_cut_bytes").record(torn?.discardedBytes ?? 0)
        Gauge(label: "protalent_log_torn_tail_cut_first_position").record(torn?.firstPosition ?? 0)
        Gauge(label: "protalent_log_torn_tail_cut_events").record(torn.flatMap { tail in tail.lastPosition.map { $0 - tail.firstPosition + 1 } } ?? 0)
        for status in projections.status() {
            Gauge(label: "protalent_projection_lag_events", dimensions: [("projection", status.name)]).record(status.lag)
        }
        ReplicationMetrics.record(replication.status())
        StorageMetrics.record(log)
        var headers: HTTPFields = [:]
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: MetricCatalog.withHelp(PlatformMetrics.registry.emitToBuffer()))))
    }

    func openAPI() throws -> Response {
        var headers: HTTPFields = [:]
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-cache"
        let data = try OpenAPIDocument.make(routes.entries)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
