import Foundation
import Synchronization

/// ProTalent's event store: an append-only, LZ4-compressed, hash-chained log of events in a
/// directory of segment files (format: `docs/log-format.md`).
///
/// - One writer per directory (an advisory lock enforces it); any number of read-only openers may
///   read beside it, seeing what was durable when they opened.
/// - `append` commits to one or more streams atomically, with optimistic concurrency per stream,
///   and returns only once the batch holding it is fsynced. Concurrent appends share that fsync.
/// - Reads go forward from a global position, by stream, or live through `subscribe(from:)`.
public final class EventLog: Sendable {
    /// The log directory.
    public let directory: String
    /// Whether this opener can append.
    public let isReadOnly: Bool
    /// Whether this is a replica's log, written only with a primary's batches (until
    /// `promoteToWriter()`, or again after `demoteToReplica()`).
    public var isReplica: Bool { replicaMode.load(ordering: .acquiring) }
    /// What opening found (a torn tail cut off, indexes rebuilt).
    public let recovery: RecoveryReport

    let core: LogCore
    private let writer: LogWriter?
    private let lock: FileDescriptor?
    /// Read on every append; switched by a promotion or a fencing while the log stays open.
    private let replicaMode: Atomic<Bool>

    private init(
        directory: String, core: LogCore, writer: LogWriter?, lock: FileDescriptor?, recovery: RecoveryReport, isReplica: Bool = false
    ) {
        self.directory = directory
        self.replicaMode = Atomic(isReplica)
        self.core = core
        self.writer = writer
        self.lock = lock
        self.isReadOnly = writer == nil
        self.recovery = recovery
    }

    /// Opens (creating when needed) the log in `directory` for writing, recovering from a crash.
    ///
    /// - Throws: `LogError` of kind `.locked` when another process writes this log, `.corruption`
    ///   (with file and byte offset) when stored data before the tail is damaged.
    public static func open(directory: String, options: EventLogOptions = EventLogOptions()) throws(LogError) -> EventLog {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw LogError.io("mkdir", path: directory, errno: Int32((error as NSError).code))
        }
        let lock = try FileDescriptor.open(directory + "/LOCK", writable: true, create: true)
        guard try lock.tryLockExclusive() else { throw LogError.locked(path: directory) }
        try removeTemporaryFiles(in: directory)
        try DictionaryFile.adopt(options.dictionary, inLog: directory)
        let opened = try LogOpener.open(directory: directory, writable: true)
        let core = LogCore(index: opened.index, cachedBatches: options.cachedBatches, dictionary: opened.dictionary)
        let writer = try LogWriter(core: core, directory: directory, options: options, opened: opened)
        writer.start()
        return EventLog(directory: directory, core: core, writer: writer, lock: lock, recovery: opened.report, isReplica: options.isReplica)
    }

    /// Opens an existing log for reading only, beside a running writer if there is one.
    ///
    /// The reader sees the events that were durable when it opened; a batch being written at that
    /// moment is not visible (and not an error).
    public static func openReadOnly(directory: String, cachedBatches: Int = 256) throws(LogError) -> EventLog {
        guard FileManager.default.fileExists(atPath: directory) else {
            throw LogError.io("open", path: directory, errno: ENOENT)
        }
        let opened = try LogOpener.open(directory: directory, writable: false)
        let core = LogCore(index: opened.index, cachedBatches: cachedBatches, dictionary: opened.dictionary)
        core.markClosed() // nothing will be appended through this opener: subscriptions end at the head
        return EventLog(directory: directory, core: core, writer: nil, lock: nil, recovery: opened.report)
    }

    private static func removeTemporaryFiles(in directory: String) throws(LogError) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name.hasSuffix(".tmp") {
            unlink(directory + "/" + name)
        }
    }

    /// Finishes queued appends, writes pending segment indexes, ends subscriptions, releases the lock.
    public func close() {
        writer?.stop()
        core.markClosed()
        lock?.unlock()
    }

    // MARK: Appending

    /// Appends events to one or more streams, atomically: every event is stored, or none.
    ///
    /// Each stream's `expectedVersion` is checked first; one mismatch fails the whole append with
    /// `.wrongExpectedVersion` naming the stream, the expectation and the actual version.
    ///
    /// Idempotency rule: event ids are unique across the log. When every event id of an append is
    /// already stored, each in the stream this append names for it, the append is a retry: nothing
    /// is written, the expected versions are not checked again, and the original positions return
    /// with `wasDuplicate` set. When only some are stored, or one is stored in another stream, the
    /// append fails with `.duplicateEventId`.
    ///
    /// Returns once the batch holding the append is durable (see `EventLogOptions.Durability`).
    public func append(_ appends: [StreamAppend]) async throws(LogError) -> AppendResult {
        guard let writer else { throw LogError.closed("this log was opened read-only") }
        if isReplica {
            throw LogError.replication(position: head + 1, "this log is a replica's: it takes only the primary's batches, and appends go to the primary")
        }
        let result = await withCheckedContinuation { continuation in
            writer.enqueue(LogWriter.Pending(appends: appends, continuation: continuation))
        }
        return try result.get()
    }

    /// Appends events to one stream (see `append(_:)` for the rules).
    public func append(
        to stream: String, expectedVersion: ExpectedVersion = .any, events: [ProposedEvent]
    ) async throws(LogError) -> AppendResult {
        try await append([StreamAppend(stream: stream, expectedVersion: expectedVersion, events: events)])
    }

    // MARK: Replication

    /// Turns a replica's log into a writer's: from now on it takes appends of its own and refuses
    /// replicated batches (a promotion). A batch already queued by the follower is still checked
    /// against the chain, so it is written only if it continues this log.
    public func promoteToWriter() {
        replicaMode.store(false, ordering: .releasing)
    }

    /// Makes this log refuse appends of its own again (a fenced former primary): it may only follow.
    public func demoteToReplica() {
        replicaMode.store(true, ordering: .releasing)
    }

    /// Writes a primary's batch byte for byte at this replica log's head, durably, and returns the
    /// new head. Batches queued together share one fsync.
    ///
    /// The batch is checked first — complete, checksum intact, starting at the next position,
    /// continuing this log's hash chain, records that decode and follow each stream's version, and
    /// a segment boundary where the primary has one — so the replica ends up with the same bytes at
    /// the same places and the same chain hash as the primary.
    ///
    /// - Throws: `.replication` with the position and the reason when the batch is refused
    ///   (nothing of it is written), or when this log is not a replica's
    ///   (`EventLogOptions.isReplica`); `.io` or `.closed` as `append` does.
    @discardableResult
    public func append(replicatedBatch batch: ReplicatedBatch) async throws(LogError) -> Int64 {
        try await append(replicatedBatches: [batch])
    }

    /// Writes a primary's consecutive batches in order, as `append(replicatedBatch:)` does each, with
    /// one fsync for all; returns the new head. At the first refused batch the ones before it stay
    /// written (and durable) and the refusal is thrown.
    @discardableResult
    public func append(replicatedBatches batches: [ReplicatedBatch]) async throws(LogError) -> Int64 {
        guard let writer else { throw LogError.closed("this log was opened read-only") }
        guard isReplica else {
            throw LogError.replication(position: batches.first?.firstPosition ?? 0, "this log is not a replica's: it writes its own batches")
        }
        let result = await withCheckedContinuation { continuation in
            writer.enqueue(LogWriter.ReplicatedPending(batches: batches, continuation: continuation))
        }
        return try result.get()
    }

    /// The stored batches from the one starting at `position` on, raw (as `append(replicatedBatch:)`
    /// takes them), about `maxBytes` in all but always at least one when there is one. Empty when
    /// `position` is just past the head.
    ///
    /// - Throws: `.replication` when `position` is beyond the head or inside a batch (the asker
    ///   does not hold a prefix of this log); `.io` when a segment cannot be read.
    public func rawBatches(from position: Int64, maxBytes: Int = 1 << 20) throws(LogError) -> [ReplicatedBatch] {
        try core.rawBatches(from: position, maxBytes: maxBytes)
    }

    /// Every stored batch from the one starting at `position` on, raw, continuing live as batches
    /// become durable, until the log closes or the consuming task is cancelled: a replica's feed.
    /// Reads from the segment files by position, at most `maxBytes` at a time, so a slow consumer
    /// holds neither memory nor the writer.
    public func batches(from position: Int64, maxBytes: Int = 1 << 20) -> LogBatchFeed {
        LogBatchFeed(core: core, start: max(1, position), maxBytes: maxBytes)
    }

    /// Where the stored batch holding `position` starts and ends and the chain hash after it;
    /// `nil` when `position` is not stored.
    public func batchMark(containing position: Int64) throws(LogError) -> BatchMark? {
        try core.batchMark(containing: position)
    }

    /// Suspends until the head passes `position`, the log closes, or the task is cancelled.
    public func waitForHead(beyond position: Int64) async {
        await core.waitUntilStored(position + 1)
    }

    /// The commit time, in microseconds since 1970, of the event at `position` (`nil` if not stored).
    public func timestampMicros(at position: Int64) -> Int64? {
        (try? core.read(from: position, maxCount: 1))?.first?.timestampMicros
    }

    // MARK: Reading

    /// The position of the last durable event (0 for an empty log).
    public var head: Int64 { core.head }

    /// A stream's current version: its number of events, 0 when it does not exist.
    public func version(of stream: String) -> Int64 {
        core.state.withLock { $0.index.version(of: stream) }
    }

    /// Up to `maxCount` events from global position `position` on (positions start at 1).
    ///
    /// `caching: false` suits one pass over much of the log (a rebuild, a replay): the batches it
    /// reads from the files do not take the cache's room from the recent ones live readers share,
    /// and their records are made in the result rather than copied there from the cache (a copy
    /// retains every string and array of a record: ~1 % of a rebuild).
    public func read(from position: Int64, maxCount: Int = 1_000, caching: Bool = true) throws(LogError) -> [RecordedEvent] {
        try core.read(from: position, maxCount: maxCount, caching: caching)
    }

    /// Up to `maxCount` events of `stream` from `version` on (versions start at 1).
    public func readStream(_ stream: String, from version: Int64 = 1, maxCount: Int = .max) throws(LogError) -> [RecordedEvent] {
        try core.readStream(stream, from: version, maxCount: maxCount)
    }

    /// The global positions of `stream`'s events, oldest first (the position of version `v` is at
    /// index `v - 1`); empty when the stream does not exist. The log keeps them in memory.
    public func positions(ofStream stream: String) -> [Int64] {
        core.state.withLock { $0.index.streams[stream] ?? [] }
    }

    /// The names of every stream, in no particular order.
    public func streamNames() -> [String] {
        core.state.withLock { Array($0.index.streams.keys) }
    }

    /// Every event from `position` on, continuing live into new appends with no gap and no
    /// duplicate, until the log closes or the consuming task is cancelled.
    public func subscribe(from position: Int64 = 1) -> LogSubscription {
        LogSubscription(core: core, start: max(1, position))
    }

    /// Waits until `position` is durable, up to `timeout`; returns whether it is.
    public func waitUntilStored(_ position: Int64, timeout: Duration) async -> Bool {
        if core.head >= position { return true }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.core.waitUntilStored(position) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        return core.head >= position
    }

    /// The last torn tail a writer's open of this log cut off (this open's or an earlier one's),
    /// from `<log>/last-torn-tail`; `nil` when no open ever cut one.
    public var lastTornTailCut: TornTailCut? { TornTailCut.last(inLog: directory) }

    /// The writer's fsyncs so far (zero for a read-only opener).
    public var syncStatistics: SyncStatistics { writer?.syncs.snapshot ?? SyncStatistics(count: 0, nanoseconds: 0) }

    /// Counts for `protalent stats`.
    public func statistics() -> LogStatistics {
        core.state.withLock { state in
            LogStatistics(
                events: state.index.head, streams: state.index.streams.count, segments: state.index.segments.count,
                batches: state.index.batches.count, storedBytes: state.index.storedBytes, rawBytes: state.index.rawBytes,
                bytesOnDisk: state.index.segments.reduce(0) { $0 + $1.length }, headChainHash: state.index.chainHash
            )
        }
    }
}

/// Sizes and counts of a log.
public struct LogStatistics: Sendable, Equatable {
    /// Events stored (the head position).
    public var events: Int64
    /// Distinct streams.
    public var streams: Int
    /// Segment files.
    public var segments: Int
    /// Batches (each one fsync-atomic unit).
    public var batches: Int
    /// Batch bytes as stored (headers plus compressed payloads).
    public var storedBytes: Int
    /// Batch payload bytes before compression.
    public var rawBytes: Int
    /// Segment bytes including their headers.
    public var bytesOnDisk: Int
    /// The chain hash after the last batch.
    public var headChainHash: [UInt8]

    /// Raw payload bytes per stored byte.
    public var compressionRatio: Double { storedBytes == 0 ? 1 : Double(rawBytes) / Double(storedBytes) }
}
