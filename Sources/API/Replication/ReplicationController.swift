import EventLog
import EventSourcing
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// `/replication/*`, spoken between nodes and authenticated by the shared replication secret (not
/// by an account: the access layer lets them through as anonymous and the handler checks the
/// secret in constant time), and `GET /admin/replication` for operators.
struct ReplicationController {
    let node: ReplicationNode
    let streamer: ReplicationStreamer
    let logger: Logger

    static let secretHeader = HTTPField.Name(ReplicationSecret.header)!
    static let primaryURLHeader = HTTPField.Name("X-Primary-URL")!
    static let headHeader = HTTPField.Name("X-Log-Head")!
    /// How many replicas the primary's commands wait for: a replica told a non-zero count confirms
    /// each fsync at once instead of at most twenty times a second.
    static let syncReplicasHeader = HTTPField.Name("X-Sync-Replicas")!
    /// The sender's epoch, on every request between nodes and on the stream's response: a primary
    /// that hears of a higher one fences itself (`ReplicationNode.observe(epoch:url:)`).
    static let epochHeader = HTTPField.Name("X-Replication-Epoch")!

    struct Confirmation: Codable {
        var replica: String
        var url: String?
        var position: Int64
    }

    func addRoutes(to routes: RouteTable) {
        routes.add(.get, "/replication/stream", readsModels: false, RouteDocumentation(
            "The log's batches byte for byte from `from` on, then live, with data keys and blobs and their destruction "
                + "(framing: docs/log-format.md). Needs the X-Replication-Secret header", tag: "Replication",
            response: .any, query: [
                "from": .integer(minimum: 1), "chain": .text, "keys": .integer(minimum: 0), "blobs": .integer(minimum: 0), "replica": .text,
                "url": .text,
            ],
            alternateMediaType: "application/octet-stream"
        )) { request, context in try stream(request) }
        routes.add(.get, "/replication/blob/{hash}", readsModels: false, RouteDocumentation(
            "A blob's bytes (an avatar), as a replica fetches what the stream names. Needs the X-Replication-Secret header",
            tag: "Replication", response: .any, alternateMediaType: "application/octet-stream"
        )) { request, context in try blob(request, context) }
        routes.add(.post, "/replication/confirm", RouteDocumentation(
            "A replica tells how far its log is durable. Needs the X-Replication-Secret header", tag: "Replication",
            request: .object(["replica": .text, "url": .text, "position": .integer(minimum: 0)], required: ["replica", "position"]),
            status: 204
        )) { request, context in try await confirm(&request) }
        routes.add(.get, "/admin/replication", readsModels: false, RouteDocumentation(
            "This node's role, epoch and head; on a primary its replicas' confirmed positions and lag, "
                + "on a replica the primary it follows", tag: "Admin", response: .any
        )) { request, context in try JSONResponse.json(node.status()) }
    }

    /// Refuses a caller without the replication secret (401, nothing streamed), then hears the
    /// caller's epoch: a newer one fences this node if it is a primary.
    func authenticate(_ request: Request) throws(APIError) {
        try Self.authenticate(request, node: node)
    }

    /// As `authenticate(_:)`, for the other controllers spoken between nodes.
    static func authenticate(_ request: Request, node: ReplicationNode) throws(APIError) {
        try checkSecret(request, node: node)
        if let epoch = request.headers[epochHeader].flatMap({ Int64($0) }) {
            node.observe(epoch: epoch, url: nil)
        }
    }

    private static func checkSecret(_ request: Request, node: ReplicationNode) throws(APIError) {
        guard let secret = node.settings.secret else {
            throw .unauthenticated("this node has no replication secret (--replication-secret-file or PROTALENT_REPLICATION_SECRET)")
        }
        guard secret.admits(request.headers[secretHeader]) else {
            throw .unauthenticated("a missing or wrong \(ReplicationSecret.header)")
        }
    }

    /// A caller at a newer epoch than this node's follows another primary: 409, nothing streamed
    /// (and this node, if it was the primary, is fenced by now).
    private func refuseNewerCaller(_ request: Request) throws(APIError) {
        let theirs = request.headers[Self.epochHeader].flatMap { Int64($0) } ?? 0
        guard theirs <= node.epoch else {
            throw .conflict("this node is at epoch \(node.epoch) and the caller at \(theirs): a node never follows an older epoch", field: "epoch")
        }
    }

    func stream(_ request: Request) throws -> Response {
        try authenticate(request)
        try refuseNewerCaller(request)
        let query = QueryParameters(request)
        guard let fromText = try query.string("from", maxLength: 20), let from = Int64(fromText), from >= 1 else {
            throw APIError.badRequest("`from` must be a log position of 1 or more: the replica's head + 1", field: "from")
        }
        let keysFrom = try query.integer("keys", in: 0...Int(Int32.max)) ?? 0
        let blobsFrom = try query.integer("blobs", in: 0...Int(Int32.max)) ?? 0
        let replica = try query.string("replica", maxLength: 100) ?? "unnamed"
        let url = try query.string("url", maxLength: 500)
        // Refused before the 200: a replica ahead of this log or inside a batch is not a copy of it.
        do {
            _ = try streamer.log.rawBatches(from: from, maxBytes: 1)
        } catch {
            throw APIError.conflict("this node's log cannot continue the replica's: \(error)", field: "from")
        }
        if from > 1, let chain = try query.string("chain", maxLength: 64) {
            // Before any key, blob or batch goes out: a replica of another log must not take even those.
            guard let own = try? streamer.log.chainHash(endingAt: from - 1), Hex.encode(own) == chain else {
                throw APIError.conflict(
                    "the replica's log is not a prefix of this node's: its chain hash at position \(from - 1) differs "
                        + "(it follows another log, or the logs diverged)", field: "chain"
                )
            }
        }
        try streamer.checkKeyCursor(keysFrom)
        try streamer.checkBlobCursor(blobsFrom)
        var headers: HTTPFields = [:]
        headers[.contentType] = "application/octet-stream"
        headers[.cacheControl] = "no-cache"
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        headers[Self.headHeader] = String(streamer.log.head)
        headers[Self.syncReplicasHeader] = String(node.requiredConfirmations)
        headers[Self.epochHeader] = String(node.epoch)
        if let advertised = node.settings.advertiseURL { headers[Self.primaryURLHeader] = advertised.absoluteString }
        let node = node
        let streamer = streamer
        let logger = logger
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            node.replicaConnected(id: replica, url: url, from: from)
            logger.info("replication: a replica connected", metadata: ["replica": "\(replica)", "from": "\(from)"])
            defer { node.replicaDisconnected(id: replica) }
            let sink = ResponseBodySink(writer)
            do {
                // A graceful shutdown ends the stream; the replica reconnects to whoever serves next.
                try await cancelWhenGracefulShutdown {
                    try await streamer.run(from: from, keysFrom: keysFrom, blobsFrom: blobsFrom) { try await sink.write($0) }
                }
            } catch {
                logger.info("replication: a stream ended", metadata: ["replica": "\(replica)", "reason": "\(error)"])
                throw error
            }
            try await sink.writer.finish(nil)
        })
    }

    func blob(_ request: Request, _ context: AppRequestContext) throws -> Response {
        try authenticate(request)
        guard let hash = context.parameters.get("hash"), let data = streamer.blobs.get(hash) else {
            throw APIError.notFound("no such blob on this node (deleted since, or never here)")
        }
        var headers: HTTPFields = [:]
        headers[.contentType] = "application/octet-stream"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func confirm(_ request: inout Request) async throws -> Response {
        try authenticate(request)
        try refuseNewerCaller(request)
        let body = try await request.decodeJSON(Confirmation.self)
        node.replicaConfirmed(id: body.replica, url: body.url, position: body.position)
        return Response(status: .noContent)
    }
}

/// Produces one replica's stream: journaled data keys and blobs, then the batches that may use them, read
/// from the log by position, about 1 MiB at a time; at the head, a heartbeat each idle second.
///
/// Pull-based: nothing is queued for a replica. A slow one makes `write` wait (the connection's
/// back-pressure), and meanwhile neither the log's writer nor the primary's memory notice it.
struct ReplicationStreamer: Sendable {
    let log: EventLog
    let keys: KeyStore
    let blobs: BlobStore
    var chunkBytes = 1 << 20
    var heartbeat: Duration = .seconds(1)

    /// Refuses a replica that holds more key journal entries than this node: it follows another cluster.
    func checkKeyCursor(_ cursor: Int) throws(APIError) {
        let count = keys.journalCount
        guard cursor <= count else {
            throw .conflict("the replica holds \(cursor) data-key journal entries, this node only \(count)", field: "keys")
        }
    }

    /// Refuses a replica that holds more blob journal entries than this node.
    func checkBlobCursor(_ cursor: Int) throws(APIError) {
        let count = blobs.journalCount
        guard cursor <= count else {
            throw .conflict("the replica holds \(cursor) blob journal entries, this node only \(count)", field: "blobs")
        }
    }

    func run(from position: Int64, keysFrom: Int, blobsFrom: Int = 0, write: (ByteBuffer) async throws -> Void) async throws {
        var next = position
        var keyCursor = keysFrom
        var blobCursor = blobsFrom
        while !Task.isCancelled {
            let batches = try log.rawBatches(from: next, maxBytes: chunkBytes)
            var buffer = ByteBuffer()
            // Keys and blobs after the batches were read: any key or blob they use was journaled
            // before they were appended.
            try await drain(&keyCursor, into: &buffer, write: write) { start in
                try keys.journal(from: start, maxCount: 512).map { entry in
                    switch entry.kind {
                    case .created: ReplicationFrame.key(subject: entry.subject, sealed: entry.sealedKey)
                    case .erased: ReplicationFrame.erasure(subject: entry.subject)
                    }
                }
            }
            try await drain(&blobCursor, into: &buffer, write: write) { start in
                try blobs.journal(from: start, maxCount: 512).map(ReplicationFrame.blob)
            }
            for batch in batches { ReplicationFrame.batch(batch).encode(into: &buffer) }
            if let last = batches.last?.lastPosition { next = last + 1 }
            if buffer.readableBytes > 0 { try await write(buffer) }
            if batches.isEmpty, !(await log.waitUntilStored(next, timeout: heartbeat)), !Task.isCancelled {
                var beat = ByteBuffer()
                ReplicationFrame.heartbeat(head: log.head).encode(into: &beat)
                try await write(beat)
            }
        }
    }

    /// Encodes a journal's frames from `cursor` on into `buffer`, writing it out whenever it holds
    /// a chunk, so that a long journal never sits whole in memory.
    private func drain(
        _ cursor: inout Int, into buffer: inout ByteBuffer, write: (ByteBuffer) async throws -> Void,
        frames: (Int) throws -> [ReplicationFrame]
    ) async throws {
        while true {
            let next = try frames(cursor)
            if next.isEmpty { return }
            for frame in next { frame.encode(into: &buffer) }
            cursor += next.count
            if buffer.readableBytes >= chunkBytes {
                try await write(buffer)
                buffer.clear()
            }
        }
    }
}
