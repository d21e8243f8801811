import EventLog
import Hummingbird

/// `GET /admin/archive` (admins, as every `/admin` route): how far the archive is behind.
struct ArchiveController {
    /// `nil` when this node does not archive.
    let monitor: ArchiveMonitor?
    let log: EventLog

    func addRoutes(to routes: RouteTable) {
        routes.add(.get, "/admin/archive", readsModels: false, RouteDocumentation(
            "How far the archive in object storage is behind the log: archived position, head, lag in events and "
                + "seconds, the last error, the last successful pass (microseconds since 1970). 404 when this node does not archive (`serve --archive`)", tag: "Admin", response: .any
        )) { request, context in
            guard var status = monitor?.status else {
                throw APIError.notFound("this node does not archive its log: start it with --archive s3://BUCKET/PREFIX")
            }
            // The head moves between passes: the lag in events is measured now.
            status.head = max(log.head, status.head)
            status.lagEvents = max(0, status.head - status.archivedPosition)
            return try JSONResponse.json(status)
        }
    }
}
