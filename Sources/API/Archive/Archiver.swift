import Archive
public import EventLog
public import EventSourcing
public import Foundation
public import Logging
public import ServiceLifecycle

/// The primary's continuous archive: at least every `interval` it ships to the object store what
/// the log made durable since the last pass — whole sealed segments, tail objects for the active
/// one —, the key journal with each new sealed key, tombstones for erased people (deleting their
/// key object), new avatars (deleting removed ones), then the manifest, last.
///
/// It only reads: sealed segment files and the log's stored batches by position, a bounded amount
/// per pass, so commands never wait for it. When the store fails or is slow, passes fail and are
/// retried with exponential backoff; the lag grows in `ArchiveMonitor` and shrinks again once the
/// store answers. The manifest in the store is the only progress record: a restarted server goes on
/// from it. A primary's `Platform.services()` runs one; `protalent bench archive` runs one on its own log.
public struct Archiver: Service {
    let log: EventLog
    let keys: KeyStore
    let blobsDirectory: URL
    let settings: ArchiveSettings
    let monitor: ArchiveMonitor
    let logger: Logger
    /// The most log bytes one pass uploads as tail objects (a pass that stops there runs again at once).
    var maxTailBytesPerPass = 64 << 20
    var maxBackoff: Duration = .seconds(30)
    /// Whether this node archives now: only the primary writes the archive, so a replica started
    /// with `--archive` waits, and takes over the archive once promoted.
    let isPrimary: @Sendable () -> Bool

    /// An archiver of `log` and `keys` (and the avatars in `blobsDirectory`) to `settings`, reporting
    /// to `monitor`, that ships only while `isPrimary` says so.
    public init(
        log: EventLog, keys: KeyStore, blobsDirectory: URL, settings: ArchiveSettings, monitor: ArchiveMonitor, logger: Logger,
        isPrimary: @escaping @Sendable () -> Bool = { true }
    ) {
        self.log = log
        self.keys = keys
        self.blobsDirectory = blobsDirectory
        self.settings = settings
        self.monitor = monitor
        self.logger = logger
        self.isPrimary = isPrimary
    }

    /// What a run knows of the store between passes.
    struct Progress {
        var manifest: ArchiveManifest?
        var blobs: Set<String> = []
        var masterCheckSent = false
    }

    /// Archives until cancelled or a graceful shutdown; on a graceful shutdown it makes one last
    /// pass (at most `finalPassLimit`), so a SIGTERM leaves nothing acknowledged unarchived when the
    /// store answers.
    public func run() async throws {
        let client = S3Client(configuration: settings.store, bucket: settings.location.bucket)
        let progress = ProgressBox()
        await cancelWhenGracefulShutdown {
            await archiveForever(client, progress)
        }
        if Task.isShuttingDownGracefully, isPrimary() {
            let archiver = self
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    var state = progress.value
                    if (try? await archiver.pass(client, &state)) != nil { archiver.report(state, error: nil) }
                }
                group.addTask { try? await Task.sleep(for: archiver.finalPassLimit) }
                await group.next()
                group.cancelAll()
            }
        }
        try await client.shutdown()
    }

    /// The longest a graceful shutdown waits for the last pass.
    var finalPassLimit: Duration = .seconds(5)

    /// The progress between the loop and the last pass (one task uses it at a time).
    private final class ProgressBox: @unchecked Sendable {
        // @unchecked: written by the archiving loop, then read by the last pass only after the loop
        // has returned; never two tasks at once.
        var value = Progress()
    }

    private func archiveForever(_ client: S3Client, _ box: ProgressBox) async {
        var progress = box.value
        defer { box.value = progress }
        var backoff = settings.interval
        while !Task.isCancelled {
            guard isPrimary() else {
                // A replica's log is the primary's, which archives it; this node waits for a promotion.
                try? await Task.sleep(for: settings.interval)
                continue
            }
            let started = ContinuousClock.now
            var caughtUp = true
            do {
                caughtUp = try await pass(client, &progress)
                backoff = settings.interval
                report(progress, error: nil)
            } catch {
                if Task.isCancelled { break }
                report(progress, error: "\(error)")
                logger.warning("archive: a pass failed; retrying", metadata: [
                    "archive": "\(settings.location)", "error": "\(error)", "retryIn": "\(backoff)",
                ])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, maxBackoff)
                continue
            }
            if caughtUp {
                let elapsed = ContinuousClock.now - started
                if elapsed < settings.interval { try? await Task.sleep(for: settings.interval - elapsed) }
            }
        }
    }

    private func report(_ progress: Progress, error: String?) {
        let archived = progress.manifest?.position ?? 0
        let head = log.head
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        var lagSeconds = 0.0
        if head > archived, let committed = log.timestampMicros(at: archived + 1) {
            lagSeconds = max(0, Double(now - committed) / 1_000_000)
        }
        monitor.record(archivedPosition: archived, head: head, lagSeconds: lagSeconds, error: error, nowMicros: now)
    }

    /// One pass; returns whether it shipped everything there was (else another pass runs at once).
    func pass(_ client: S3Client, _ progress: inout Progress) async throws -> Bool {
        let location = settings.location
        if progress.manifest == nil {
            progress.manifest = try await loadManifest(client)
            progress.blobs = Set(try await client.list(prefix: location.key("blobs/")).map { String($0.split(separator: "/").last ?? "") })
        }
        guard var manifest = progress.manifest else { return true }
        let before = manifest
        try await archiveKeys(client, &manifest, &progress)
        try await archiveBlobs(client, &progress)
        let caughtUp = try await archiveLog(client, &manifest)
        if manifest != before {
            manifest.writtenAtMicros = Int64(Date().timeIntervalSince1970 * 1_000_000)
            try await client.put(location.key(ArchiveManifest.objectName), bytes: try manifest.encoded())
            progress.manifest = manifest
        }
        return caughtUp
    }

    private func loadManifest(_ client: S3Client) async throws -> ArchiveManifest {
        guard let bytes = try await client.get(settings.location.key(ArchiveManifest.objectName)) else { return ArchiveManifest() }
        let manifest = try ArchiveManifest.decode(bytes)
        guard manifest.position <= log.head else {
            throw ArchiveError.object(
                settings.location.key(ArchiveManifest.objectName), position: manifest.position,
                "the archive holds positions up to \(manifest.position) but this log's head is \(log.head): it is another log's archive"
            )
        }
        // The same history, not only as long: the chain hash where the archive ends must be this log's.
        guard let chain = try log.chainHash(endingAt: manifest.position), ArchiveObjectCodec.hex(chain) == manifest.chainHash else {
            throw ArchiveError.object(
                settings.location.key(ArchiveManifest.objectName), position: manifest.position,
                "its chain hash \(manifest.chainHash) is not this log's at that position: it is another log's archive"
            )
        }
        logger.info("archive: continuing", metadata: ["archive": "\(settings.location)", "from": "\(manifest.position + 1)"])
        return manifest
    }

    /// New key journal records: each created key's sealed file, each erasure's tombstone (before
    /// its key object goes), then the records themselves.
    private func archiveKeys(_ client: S3Client, _ manifest: inout ArchiveManifest, _ progress: inout Progress) async throws {
        let location = settings.location
        let start = manifest.keyJournalCount
        let entries = try keys.journal(from: start, maxCount: 4_096)
        guard !entries.isEmpty else { return }
        if !progress.masterCheckSent, let check = FileManager.default.contents(atPath: keys.directory.appendingPathComponent("master.check").path) {
            try await client.put(location.key(ArchiveManifest.masterCheckName), bytes: Array(check))
            progress.masterCheckSent = true
        }
        var records: [UInt8] = []
        for entry in entries {
            let subject = entry.subject.uuidString.lowercased()
            switch entry.kind {
            case .created:
                if let sealed = entry.sealedKey { try await client.put(location.key(ArchiveManifest.keyName(subject)), bytes: sealed) }
                records.append(UInt8(ascii: "K"))
            case .erased:
                try await client.put(location.key(ArchiveManifest.tombstoneName(subject)), bytes: Array("erased\n".utf8))
                try await client.delete(location.key(ArchiveManifest.keyName(subject)))
                records.append(UInt8(ascii: "E"))
            }
            withUnsafeBytes(of: entry.subject.uuid) { records.append(contentsOf: $0) }
        }
        let name = ArchiveManifest.journalName(start: start)
        try await client.put(location.key(name), bytes: records)
        manifest.keyJournal.append(.init(key: name, start: start, count: entries.count))
    }

    /// Uploads avatars the store lacks and deletes those gone here (replaced, or erased with their owner).
    private func archiveBlobs(_ client: S3Client, _ progress: inout Progress) async throws {
        let local = Self.blobHashes(in: blobsDirectory)
        for hash in local.subtracting(progress.blobs).sorted() {
            let path = blobsDirectory.appendingPathComponent(String(hash.prefix(2))).appendingPathComponent(String(hash.dropFirst(2))).path
            guard let bytes = FileManager.default.contents(atPath: path) else { continue }
            try await client.put(settings.location.key(ArchiveManifest.blobName(hash)), bytes: Array(bytes))
            progress.blobs.insert(hash)
        }
        for hash in progress.blobs.subtracting(local).sorted() {
            try await client.delete(settings.location.key(ArchiveManifest.blobName(hash)))
            progress.blobs.remove(hash)
        }
    }

    /// The content hashes under a `blobs/ab/cdef…` directory.
    static func blobHashes(in directory: URL) -> Set<String> {
        var hashes = Set<String>()
        let fanOut = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for prefix in fanOut where prefix.count == 2 {
            for rest in (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(prefix).path)) ?? [] {
                let hash = prefix + rest
                if BlobStore.isHash(hash) { hashes.insert(hash) }
            }
        }
        return hashes
    }

    /// Sealed segments not yet archived whole (replacing their tail pieces), then the active
    /// segment's new batches as tail objects, at most `maxTailBytesPerPass`.
    private func archiveLog(_ client: S3Client, _ manifest: inout ArchiveManifest) async throws -> Bool {
        let location = settings.location
        let from = manifest.tail.first?.first ?? manifest.position + 1
        for segment in try log.segments(from: from) where segment.isSealed && segment.lastPosition >= from {
            let name = ArchiveManifest.segmentName(base: segment.basePosition)
            try await client.putFile(location.key(name), path: segment.path, length: segment.length)
            manifest.tail.removeAll { $0.last <= segment.lastPosition }
            manifest.segments.append(.init(
                key: name, first: segment.basePosition, last: segment.lastPosition,
                chainHash: ArchiveObjectCodec.hex(segment.finalChainHash), bytes: segment.length
            ))
            if segment.lastPosition > manifest.position {
                manifest.position = segment.lastPosition
                manifest.chainHash = ArchiveObjectCodec.hex(segment.finalChainHash)
            }
        }
        var shipped = 0
        while shipped < maxTailBytesPerPass {
            let batches = try log.rawBatches(from: manifest.position + 1, maxBytes: 4 << 20)
            guard !batches.isEmpty else { return true }
            // One object per segment: a batch that opens a segment starts a new object.
            var groups: [[ReplicatedBatch]] = [[]]
            for batch in batches {
                if batch.startsSegment, !groups[groups.count - 1].isEmpty { groups.append([]) }
                groups[groups.count - 1].append(batch)
            }
            for group in groups {
                guard let first = group.first?.firstPosition, let lastBatch = group.last, let last = lastBatch.lastPosition else { continue }
                let bytes = ArchiveObjectCodec.tail(group)
                let name = ArchiveManifest.tailName(first: first, last: last)
                try await client.put(location.key(name), bytes: bytes)
                let chain = ArchiveObjectCodec.chainHash(of: lastBatch)
                manifest.tail.append(.init(key: name, first: first, last: last, chainHash: chain, bytes: bytes.count))
                manifest.position = last
                manifest.chainHash = chain
                shipped += bytes.count
            }
        }
        return false
    }
}
