import EventLog
import EventSourcing
import Foundation
import Hummingbird

/// The failover routes: between nodes (replication secret) `GET /replication/status` (what a
/// replica probes to pick its primary), `GET /replication/hash` and `GET /replication/journal`
/// (what `protalent rejoin` compares), `POST /replication/fence` (a new primary telling an old one);
/// for operators `POST /admin/replication/promote`.
struct FailoverController {
    let node: ReplicationNode
    let keys: KeyStore

    /// `POST /replication/fence`.
    struct Notice: Codable {
        var epoch: Int64
        var url: String?
    }


    /// `POST /admin/replication/promote`.
    struct Promotion: Codable {
        var epoch: Int64
        var node: String
        var head: Int64
        var previousHead: Int64
    }

    func addRoutes(to routes: RouteTable) {
        routes.add(.get, "/replication/status", readsModels: false, RouteDocumentation(
            "This node's role, epoch, fencing and head, for a replica choosing whom to follow. Needs the X-Replication-Secret header",
            tag: "Replication", response: .any
        )) { request, context in
            try ReplicationController.authenticate(request, node: node)
            return try JSONResponse.json(ClusterPeer.Status(
                role: node.role, epoch: node.epoch, fenced: node.standing == .fenced, head: node.log.head, node: node.nodeID,
                url: node.settings.advertiseURL?.absoluteString
            ))
        }
        routes.add(.get, "/replication/hash", readsModels: false, RouteDocumentation(
            "The stored batch holding position `at`: its first and last positions and the chain hash after it. "
                + "Needs the X-Replication-Secret header", tag: "Replication", response: .any, query: ["at": .integer(minimum: 1)]
        )) { request, context in
            try ReplicationController.authenticate(request, node: node)
            guard let at = try QueryParameters(request).integer("at", in: 1...Int(Int64.max)) else {
                throw APIError.badRequest("`at` (a log position of 1 or more) is required", field: "at")
            }
            guard let mark = try node.log.batchMark(containing: Int64(at)) else {
                throw APIError.notFound("position \(at) is beyond this node's head \(node.log.head)")
            }
            return try JSONResponse.json(mark)
        }
        routes.add(.get, "/replication/journal", readsModels: false, RouteDocumentation(
            "Data-key journal entries (kind and subject, no key) from `from` on, at most `max`. Needs the X-Replication-Secret header",
            tag: "Replication", response: .any, query: ["from": .integer(minimum: 0), "max": .integer(minimum: 1)]
        )) { request, context in
            try ReplicationController.authenticate(request, node: node)
            let query = QueryParameters(request)
            let from = try query.integer("from", in: 0...Int(Int32.max)) ?? 0
            let max = try query.integer("max", in: 1...65_536) ?? 4_096
            let entries = try keys.journalEntries(from: from, maxCount: max).map {
                ClusterPeer.JournalRecord(kind: $0.kind == .created ? "created" : "erased", subject: $0.subject)
            }
            return try JSONResponse.json(ClusterPeer.Journal(count: keys.journalCount, entries: entries))
        }
        routes.add(.post, "/replication/fence", RouteDocumentation(
            "A newer primary tells this node its epoch: a primary at a lower epoch fences itself. Needs the X-Replication-Secret header",
            tag: "Replication", request: .object(["epoch": .integer(minimum: 1), "url": .text], required: ["epoch"]), status: 204
        )) { request, context in
            try ReplicationController.authenticate(request, node: node)
            let notice = try await request.decodeJSON(Notice.self)
            node.observe(epoch: notice.epoch, url: notice.url)
            return Response(status: .noContent)
        }
        routes.add(.post, "/admin/replication/promote", RouteDocumentation(
            "Makes this replica the primary at a new epoch (409 on a primary or a fenced node)", tag: "Admin", response: .any
        )) { request, context in
            let epoch = try await node.promote()
            return try JSONResponse.json(Promotion(epoch: epoch.epoch, node: epoch.node, head: node.log.head, previousHead: epoch.previousHead))
        }
    }
}
