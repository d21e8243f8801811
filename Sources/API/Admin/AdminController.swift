import Domain
import Hummingbird
import Projections
import ReadModels

/// `/admin/*` for operators: the audit trail with its chain status, the projections' status and
/// rebuilds, and the analytics overview. Admins only (see `AccessPolicy`).
struct AdminController {
    let commands: CommandExecutor
    let audit: AuditQueries
    let analytics: AnalyticsQueries
    let projections: ProjectionSet
    let verifier: ChainVerifier

    struct RoleBody: Decodable { var role: String }

    func addRoutes(to routes: RouteTable) {
        routes.add(.get, "/admin/audit", RouteDocumentation(
            "The audit trail, newest first, each entry with its hash-chain status and the log's verification state", tag: "Admin",
            response: .ref("AuditPage"),
            query: ["stream": .text, "type": .text, "actor": .text, "from": .dateTime, "to": .dateTime,
                    "limit": .integer(minimum: 1, maximum: 100), "cursor": .text]
        )) { request, context in try await auditTrail(request) }
        routes.add(.get, "/admin/projections", readsModels: false, RouteDocumentation(
            "Every projection: version, checkpoint, log head, lag, state and last error", tag: "Admin",
            response: .page(.ref("ProjectionStatus"))
        )) { request, context in try projectionList() }
        routes.add(.post, "/admin/projections/{name}/rebuild", RouteDocumentation(
            "Rebuild one projection beside the live one, in the background; it swaps in when caught up", tag: "Admin",
            status: 202, response: .object(["name": .text, "state": .text, "head": .integer()], required: ["name", "state", "head"])
        )) { request, context in try rebuild(context) }
        routes.add(.get, "/admin/analytics", RouteDocumentation(
            "Platform analytics: totals and recent daily, weekly and monthly series", tag: "Admin", response: .any
        )) { request, context in try analyticsOverview() }
        routes.add(.put, "/admin/users/{id}/role", RouteDocumentation(
            "Grant a role (admin only; nobody changes their own role)", tag: "Admin",
            request: .object(["role": .oneOf(Role.self)], required: ["role"]), status: 204
        )) { request, context in try await grantRole(&request, context) }
    }

    func auditTrail(_ request: Request) async throws -> Response {
        let query = QueryParameters(request)
        let filter = AuditFilter(
            stream: try query.string("stream", maxLength: 200), type: try query.string("type", maxLength: 200),
            actor: try query.string("actor", maxLength: 200), from: try query.date("from"), to: try query.date("to")
        )
        if let from = filter.from, let to = filter.to, to <= from { throw APIError.invalid("to", "to must be after from") }
        let page = try query.page()
        let entries = try audit.list(filter, page: page)
        let state = try await verifier.state(covering: entries.items.first?.position ?? 0, now: commands.now())
        let items = entries.items.map {
            AuditItem(position: $0.position, stream: $0.stream, type: $0.type, actor: $0.actor,
                      time: Timestamp.parse($0.time).map(Timestamp.format) ?? $0.time, chain: state.status(of: $0.position))
        }
        return try JSONResponse.json(AuditPage(items: items, nextCursor: entries.nextCursor, verification: state))
    }

    func projectionList() throws -> Response {
        try JSONResponse.json(Page(items: projections.status().map(ProjectionItem.init), nextCursor: nil))
    }

    /// Queues a blue/green rebuild with the running `ProjectionSet` and answers at once: queries keep
    /// reading the old model until the new one has caught up and is swapped in. Progress shows in
    /// `GET /admin/projections` (state `rebuilding` with done/total, then `running` at the new version).
    func rebuild(_ context: AppRequestContext) throws -> Response {
        let name = context.parameters.get("name") ?? ""
        do {
            try projections.requestRebuild(of: name)
        } catch {
            if projections.runner(named: name) == nil {
                throw APIError.notFound("no projection named \(name.prefix(64)); see GET /admin/projections")
            }
            throw APIError.conflict("the projection \(name) is already being rebuilt; watch GET /admin/projections")
        }
        let head = commands.head
        return try JSONResponse.command(RebuildStarted(name: name, state: "rebuilding", head: head), status: .accepted, position: head)
    }

    func analyticsOverview() throws -> Response {
        let now = commands.now()
        return try JSONResponse.json(try analytics.overview(now: now))
    }

    func grantRole(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        let target = try context.parameters.uuid("id", what: "user")
        let body = try await request.decodeJSON(RoleBody.self)
        let role = try enumField(body.role, "role", as: Role.self)!
        let committed = try await commands.execute(
            .grantRole(role, by: (try context.requirePrincipal()), now: commands.now()),
            on: Identity.Account.self, stream: StreamName.account(target), by: context.principal
        )
        return JSONResponse.command(position: committed.position)
    }
}
