import EventLog
import Hummingbird

/// `GET /admin/archive` (admins, as every `/admin` route): how far the archive is behind.
struct ArchiveController {
    /// `nil` when this node does not archive.
    let monitor: ArchiveMonitor?
    let log: EventLog

    /// The answer's body.
    struct Body: Encodable {
        var location: String
        var archivedPosition: Int64
        var head: Int64
        var lagEvents: Int64
        var lagSeconds: Double
        var lastError: String?
    }

    func addRoutes(to routes: RouteTable) {
        routes.add(.get, "/admin/archive", readsModels: false, RouteDocumentation(
            "How far the archive in object storage is behind the log: archived position, head, lag in events and "
                + "seconds, the last error. 404 when this node does not archive (`serve --archive`)", tag: "Admin", response: .any
        )) { request, context in
            guard let status = monitor?.status else {
                throw APIError.notFound("this node does not archive its log: start it with --archive s3://BUCKET/PREFIX")
            }
            // The head moves between passes: the lag in events is measured now.
            let head = max(log.head, status.head)
            return try JSONResponse.json(Body(
                location: status.location, archivedPosition: status.archivedPosition, head: head,
                lagEvents: max(0, head - status.archivedPosition), lagSeconds: status.lagSeconds, lastError: status.lastError
            ))
        }
    }
}
