import AsyncHTTPClient
import EventLog
import EventSourcing
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// A replica's follower: streams the primary's log from this node's own head (and its data-key
/// journal from its own length), writes each batch byte for byte through
/// `EventLog.append(replicatedBatches:)`, which checks checksum and chain before the fsync, applies
/// keys and erasures in the primary's order, confirms its durable head to the primary, and
/// reconnects with backoff whenever the stream ends.
///
/// Before each connection it probes the nodes of `--replica-of` (`GET /replication/status`) and
/// follows the one that is an unfenced primary at the highest epoch, never one at a lower epoch
/// than its own log's. A promotion of this node stops it (`ReplicationNode.promote()`).
///
/// The projections follow this node's log as on a primary: they see a batch once it is durable here.
struct ReplicaService: Service {
    let log: EventLog
    let keys: KeyStore
    let blobs: BlobStore
    let erasure: Erasure
    let node: ReplicationNode
    let secret: ReplicationSecret
    /// This node's stable id, as the primary lists it.
    let replicaID: String
    let logger: Logger
    /// Where this node notes the primary it follows, for `protalent stats` (`ReplicaState`).
    var stateFile: URL?
    var initialBackoff: Duration = .milliseconds(100)
    var maxBackoff: Duration = .seconds(5)

    func run() async throws {
        guard node.standing == .replica else {
            // A promoted or fenced node follows no one; the service only waits for the shutdown.
            try? await gracefulShutdown()
            return
        }
        var configuration = HTTPClient.Configuration()
        // The primary sends a heartbeat each idle second: ten silent seconds mean a dead connection.
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(10))
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        node.followerStarted()
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await followForever(client) }
                // A promotion ends the stream at once: the node writes its own log from then on.
                group.addTask { await node.waitForPromotion() }
                await group.next()
                group.cancelAll()
            }
        }
        if node.isPromoting {
            // The promoted node journals its own avatars from now on, and follows no one.
            blobs.isFollowing = false
            if let stateFile { try? FileManager.default.removeItem(at: stateFile) }
        }
        node.followerStopped()
        try await client.shutdown()
        if node.isPromoting { try? await gracefulShutdown() }
    }

    private func followForever(_ client: HTTPClient) async {
        var backoff = initialBackoff
        while !Task.isCancelled {
            let started = ContinuousClock.now
            do {
                let primary = try await choosePrimary(client)
                try await followOnce(client, primary: primary)
                node.streamClosed(error: nil)
            } catch {
                if Task.isCancelled { break }
                node.streamClosed(error: "\(error)")
                logger.warning("replication: the stream from the primary ended; reconnecting", metadata: [
                    "candidates": "\(node.candidateURLs.map(\.absoluteString))", "head": "\(log.head)", "error": "\(error)",
                ])
            }
            if Task.isCancelled { break }
            // A stream that ran a while resets the backoff; one refused at once backs off further.
            backoff = ContinuousClock.now - started > .seconds(10) ? initialBackoff : min(backoff * 2, maxBackoff)
            try? await Task.sleep(for: backoff)
        }
    }

    /// The node of `--replica-of` that is an unfenced primary at the highest epoch, at least this
    /// node's own; throws naming what each answered when none is.
    private func choosePrimary(_ client: HTTPClient) async throws -> URL {
        let own = node.epoch
        var best: (url: URL, epoch: Int64)?
        var seen: [String] = []
        for url in node.candidateURLs {
            var request = HTTPClientRequest(url: url.appendingPathComponent("replication/status").absoluteString)
            request.headers.add(name: ReplicationSecret.header, value: secret.value)
            request.headers.add(name: ReplicationController.epochHeader.rawName, value: String(own))
            do {
                let response = try await client.execute(request, timeout: .seconds(5))
                let body = try await response.body.collect(upTo: 64 << 10)
                guard response.status == .ok else {
                    seen.append("\(url.absoluteString): \(response.status.code)")
                    continue
                }
                let probe = try JSONDecoder().decode(ClusterPeer.Status.self, from: Data(body.readableBytesView))
                seen.append("\(url.absoluteString): \(probe.role.rawValue) at epoch \(probe.epoch)\(probe.fenced ? ", fenced" : "")")
                guard probe.role == .primary, !probe.fenced else { continue }
                guard probe.epoch >= own else {
                    logger.error("replication: a primary at a lower epoch than this node's is not followed", metadata: [
                        "node": "\(url.absoluteString)", "itsEpoch": "\(probe.epoch)", "epoch": "\(own)",
                    ])
                    continue
                }
                if best == nil || probe.epoch > best!.epoch { best = (url, probe.epoch) }
            } catch {
                seen.append("\(url.absoluteString): \(error)")
            }
        }
        guard let best else {
            throw ReplicationStreamError.primary("no unfenced primary at epoch \(own) or higher among --replica-of: \(seen.joined(separator: "; "))")
        }
        return best.url
    }

    /// One connection: from this node's head to wherever the stream ends.
    private func followOnce(_ client: HTTPClient, primary: URL) async throws {
        var components = URLComponents(url: primary.appendingPathComponent("replication/stream"), resolvingAgainstBaseURL: false)!
        var items = [
            URLQueryItem(name: "from", value: String(log.head + 1)),
            URLQueryItem(name: "keys", value: String(keys.journalCount)),
            URLQueryItem(name: "blobs", value: String(blobs.journalCount)),
            URLQueryItem(name: "replica", value: replicaID),
        ]
        if let advertised = node.settings.advertiseURL { items.append(URLQueryItem(name: "url", value: advertised.absoluteString)) }
        // The primary checks it holds the same batch there before it sends anything.
        if log.head > 0, let chain = try? log.chainHash(endingAt: log.head) { items.append(URLQueryItem(name: "chain", value: Hex.encode(chain))) }
        components.queryItems = items
        var request = HTTPClientRequest(url: components.url!.absoluteString)
        request.headers.add(name: ReplicationSecret.header, value: secret.value)
        request.headers.add(name: ReplicationController.epochHeader.rawName, value: String(node.epoch))
        let response = try await client.execute(request, timeout: .seconds(10))
        guard response.status == .ok else {
            let detail = (try? await response.body.collect(upTo: 8_192)).map { String(buffer: $0) } ?? ""
            throw ReplicationStreamError.primary("the primary answered \(response.status.code): \(detail)")
        }
        let theirs = response.headers.first(name: ReplicationController.epochHeader.rawName).flatMap(Int64.init) ?? 0
        guard theirs >= node.epoch else {
            throw ReplicationStreamError.primary(
                "\(primary.absoluteString) is at epoch \(theirs), this node at \(node.epoch): a former primary is never followed"
            )
        }
        node.streamOpened(
            advertisedPrimaryURL: response.headers.first(name: "X-Primary-URL").flatMap(URL.init(string:)) ?? primary,
            primaryHead: response.headers.first(name: "X-Log-Head").flatMap(Int64.init)
        )
        if let stateFile {
            ReplicaState(primaryUrl: (node.primaryURL ?? primary).absoluteString, primaryHead: node.status().primaryHead, connectedAt: Date())
                .save(to: stateFile)
        }
        logger.info("replication: following the primary", metadata: ["primary": "\(primary.absoluteString)", "from": "\(log.head + 1)"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            // A primary that waits for replicas gets each fsync confirmed at once.
            let prompt = (response.headers.first(name: "X-Sync-Replicas").flatMap(Int.init) ?? 0) > 0
            group.addTask { try await confirmations(client, primary: primary, prompt: prompt) }
            group.addTask { try await apply(response.body, client, primary: primary) }
            defer { group.cancelAll() }
            // Either ending ends the connection: the stream, or the confirmations failing.
            try await group.next()
        }
    }

    /// Writes the stream's frames in order: batches gathered per received chunk and appended with
    /// one fsync; a key at once (the primary sends it before any batch that uses it), an erasure
    /// only after the batches before it; a blob fetched from the primary and checked against its name
    /// before the batches that name it, a blob's deletion after the batches before it.
    private func apply(_ body: HTTPClientResponse.Body, _ client: HTTPClient, primary: URL) async throws {
        var decoder = ReplicationFrameDecoder()
        var batches: [ReplicatedBatch] = []
        for try await chunk in body {
            decoder.append(chunk)
            while let frame = try decoder.next() {
                switch frame {
                case .batch(let batch):
                    batches.append(batch)
                case .heartbeat(let head):
                    node.primaryHeadSeen(head)
                case .key(let subject, let sealed):
                    // Before the batches gathered so far is as good as after: none of them can use it.
                    try keys.applyReplicated(KeyStore.JournalEntry(kind: .created, subject: subject, sealedKey: sealed))
                case .erasure(let subject):
                    try await flush(&batches)
                    try keys.applyReplicated(KeyStore.JournalEntry(kind: .erased, subject: subject))
                    // As on the primary: the erasure job deletes what this node holds of the person and,
                    // once the projections applied the erasure, scrubs old pages of the read models.
                    try? erasure.record(subject)
                case .blobPut(let hash, let owner):
                    try await blobs.applyReplicated(.init(kind: .put, hash: hash, owner: owner)) { hash in try await fetchBlob(hash, from: primary, client) }
                case .blobDeletion(let hash):
                    try await flush(&batches)
                    try await blobs.applyReplicated(.init(kind: .deleted, hash: hash)) { _ in nil }
                }
            }
            try await flush(&batches)
        }
        // A cut connection: what came whole is written, the torn frame is not.
        if decoder.pendingBytes > 0 {
            throw ReplicationStreamError.malformed("the stream ended inside a frame (\(decoder.pendingBytes) bytes of it received); nothing of it was written")
        }
    }

    private func flush(_ batches: inout [ReplicatedBatch]) async throws {
        guard !batches.isEmpty else { return }
        let head = try await log.append(replicatedBatches: batches)
        node.batchesApplied(head: head)
        batches.removeAll(keepingCapacity: true)
    }

    /// Tells the primary this node's durable head each time it moves (one request at a time, so
    /// confirmations coalesce under load): at once when `prompt` (the primary's commands wait for
    /// them, `--sync-replicas`), else at most twenty a second.
    private func confirmations(_ client: HTTPClient, primary: URL, prompt: Bool) async throws {
        var confirmed: Int64 = -1
        while !Task.isCancelled {
            let head = log.head
            if head != confirmed {
                var request = HTTPClientRequest(url: primary.appendingPathComponent("replication/confirm").absoluteString)
                request.method = .POST
                request.headers.add(name: ReplicationSecret.header, value: secret.value)
                request.headers.add(name: ReplicationController.epochHeader.rawName, value: String(node.epoch))
                request.headers.add(name: "Content-Type", value: "application/json")
                let confirmation = ReplicationController.Confirmation(
                    replica: replicaID, url: node.settings.advertiseURL?.absoluteString, position: head
                )
                request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(confirmation)))
                let response = try await client.execute(request, timeout: .seconds(10))
                _ = try? await response.body.collect(upTo: 8_192)
                guard response.status == .noContent else {
                    throw ReplicationStreamError.primary("the primary refused a confirmation: \(response.status.code)")
                }
                confirmed = head
                // At most twenty a second when nothing waits: enough for lag figures, little for the
                // primary to serve.
                if !prompt { try await Task.sleep(for: .milliseconds(50)) }
            }
            await log.waitForHead(beyond: confirmed)
        }
    }
}
