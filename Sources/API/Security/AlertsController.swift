import Domain
import Foundation
import Hummingbird

/// `GET /admin/alerts?kind=&from=`: the security alerts recorded in the log, newest first.
struct AlertsController {
    let commands: CommandExecutor

    struct Items: Encodable { var items: [AlertView] }

    func addRoutes(to routes: RouteTable) {
        routes.add(.get, "/admin/alerts", readsModels: false, RouteDocumentation(
            "Security alerts, newest first (kind: one of the alert kinds; from: an ISO 8601 time)", tag: "Admin",
            response: .object(["items": .array(.object([
                "id": .uuid, "kind": .string(values: SecurityAlerts.Kind.allCases.map(\.rawValue)), "userId": .uuid, "source": .text,
                "count": .integer(minimum: 1), "detail": .text, "at": .dateTime,
            ], required: ["id", "kind", "count", "detail", "at"]))], required: ["items"]),
            query: ["kind": .string(values: SecurityAlerts.Kind.allCases.map(\.rawValue)), "from": .dateTime]
        )) { request, _ in try list(request) }
    }

    func list(_ request: Request) throws -> Response {
        let query = QueryParameters(request)
        var kind: SecurityAlerts.Kind?
        if let raw = try query.string("kind", maxLength: 40) {
            guard let known = SecurityAlerts.Kind(rawValue: raw) else {
                throw APIError.invalid("kind", "kind must be one of \(SecurityAlerts.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kind = known
        }
        var from: Date?
        if let raw = try query.string("from", maxLength: 40) {
            guard let date = try? Date(raw, strategy: .iso8601) else { throw APIError.invalid("from", "from must be an ISO 8601 time (2026-12-07T10:00:00Z)") }
            from = date
        }
        let alerts = try commands.load(SecurityAlerts.self, stream: StreamName.securityAlerts).recent
            .filter { alert in (kind.map { alert.kind == $0 } ?? true) && (from.map { alert.at >= $0 } ?? true) }
        var response = try JSONResponse.json(Items(items: alerts.reversed().map(AlertView.init)))
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
