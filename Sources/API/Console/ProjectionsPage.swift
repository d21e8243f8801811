import Foundation
import Hummingbird
import NIOCore
import Projections

/// `GET /console/projections`: each read model's version, checkpoint, lag and state, with a
/// rebuild button; `console.js` follows a rebuild live through `GET /console/projections/status`.
struct ProjectionsPage: ConsolePages {
    let projections: ProjectionSet

    /// One projection as the live page reads it: what `GET /admin/projections` says of it, and
    /// the rebuild's progress (events applied of `total`, 0 of 0 when not rebuilding).
    struct Item: Encodable {
        var projection: ProjectionItem
        var done: Int64
        var total: Int64

        init(_ status: ProjectionStatus) {
            projection = ProjectionItem(status)
            done = status.rebuild?.done ?? 0
            total = status.rebuild?.total ?? 0
        }

        private enum CodingKeys: String, CodingKey { case done, total }

        func encode(to encoder: any Encoder) throws {
            try projection.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(done, forKey: .done)
            try container.encode(total, forKey: .total)
        }
    }

    func addRoutes(to routes: ConsoleRoutes) {
        routes.get("projections", .operations) { request, _, visit in page(visit, notice: request.uri.queryParameters["rebuilding"].map(String.init)) }
        routes.get("projections/status", .operations) { _, _, _ in try status() }
        routes.post("projections/{name}/rebuild", .operations) { _, context, visit in try rebuild(context, visit) }
    }

    func page(_ visit: ConsoleVisit, notice: String?) -> Response {
        let w = visit.language
        let rows = projections.status().map { status -> HTML in
            let live = Item(status)
            let item = live.projection
            let progress: HTML = live.total > 0
                ? "<progress max=\"\(live.total)\" value=\"\(live.done)\"></progress>"
                : "<progress max=\"1\" value=\"\(item.lag == 0 ? 1 : 0)\"></progress>"
            return """
            <tr data-projection="\(item.name)" data-state="\(item.state)"><th scope="row">\(item.name)</th>\
            <td data-field="version"><code>\(String(item.version.prefix(12)))</code></td><td data-field="checkpoint">\(item.checkpoint)</td>\
            <td data-field="lag">\(item.lag)</td><td data-field="state">\(item.state)</td><td>\(progress)</td>\
            <td>\(ConsoleLayout.form(visit, action: "/console/projections/\(HTML.percentEncoded(item.name))/rebuild", button: w("Reconstruire", "Rebuild")))</td></tr>
            """
        }
        let message = notice.map { w("Reconstruction de \($0) lancée : le modèle actuel reste servi jusqu'à la bascule.",
                                     "Rebuild of \($0) started: the current model is served until the swap.") }
        let main: HTML = """
            \(ConsoleLayout.notice(message))
            <div class="table"><table data-live-projections id="projections"><thead><tr><th>\(w("Nom", "Name"))</th><th>Version</th>\
            <th>\(w("Point de reprise", "Checkpoint"))</th><th>\(w("Retard", "Lag"))</th><th>\(w("État", "State"))</th>\
            <th>\(w("Progression", "Progress"))</th><th></th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
        return ConsoleResponse.html(ConsoleLayout.page("Projections", language: w, visit: visit, current: "/console/projections", main: main))
    }

    func status() throws -> Response {
        let data = try JSONEncoder().encode(projections.status().map(Item.init))
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Queues a blue/green rebuild, as `POST /admin/projections/{name}/rebuild` does.
    func rebuild(_ context: AppRequestContext, _ visit: ConsoleVisit) throws -> Response {
        let name = context.parameters.get("name") ?? ""
        do {
            try projections.requestRebuild(of: name)
        } catch {
            if projections.runner(named: name) == nil { throw APIError.notFound("no projection named \(name.prefix(64))") }
            throw APIError.conflict(visit.language("\(name) est déjà en reconstruction", "\(name) is already being rebuilt"))
        }
        return ConsoleResponse.redirect("/console/projections?rebuilding=\(HTML.percentEncoded(name))")
    }
}
