import Foundation
import Synchronization

/// The single writer: a dedicated thread that takes every append waiting, checks it against the
/// index, packs the accepted ones into batches, writes them, fsyncs once, and only then publishes
/// them and answers the appenders (group commit).
///
/// A thread rather than a task, because `fdatasync` blocks: on the cooperative pool (two threads on
/// this machine) it would stall every request while the disk works.
final class LogWriter: @unchecked Sendable {
    // Safety of @unchecked Sendable: `queue`, `stopping` and `gatherUntil` are only touched under `condition`;
    // every other stored `var` is touched only by the writer thread once `start()` has run, or by
    // `stop()` after that thread has finished (it waits on `finished`).

    struct Pending {
        var appends: [StreamAppend]
        var continuation: CheckedContinuation<Result<AppendResult, LogError>, Never>
    }

    /// A primary's batches for a replica's log, in order, answered with the new head once they are
    /// durable, or with the refusal of the first one refused (the ones before it are written).
    struct ReplicatedPending {
        var batches: [ReplicatedBatch]
        var continuation: CheckedContinuation<Result<Int64, LogError>, Never>
    }

    private enum Work {
        case append(Pending)
        case replicated(ReplicatedPending)

        func refuse(_ error: LogError) {
            switch self {
            case .append(let pending): pending.continuation.resume(returning: .failure(error))
            case .replicated(let pending): pending.continuation.resume(returning: .failure(error))
            }
        }
    }

    #if DEBUG
    /// Debug builds only: `PROTALENT_TEST_OMIT_FSYNC=append` leaves out the group commit's
    /// fdatasync, so the power-loss tests can show that they catch a missing fsync (docs/testing.md).
    private static let omitsAppendSync = ProcessInfo.processInfo.environment["PROTALENT_TEST_OMIT_FSYNC"] == "append"
    #else
    private static let omitsAppendSync = false
    #endif

    private let condition = NSCondition()
    private var queue: [Work] = []
    /// While the writer gathers a round (see `takeRound`): the queue length that wakes it early.
    private var gatherUntil = Int.max
    /// Appends the last round acknowledged, and how long its fsync took: the next round's gathering.
    private var lastRoundAppends = 0
    private var lastSyncNanos: UInt64 = 0
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)
    private let indexWrites = DispatchQueue(label: "protalent.log.segment-index")
    /// The fsyncs of appends, replicated batches and rolls (not of closing).
    let syncs = SyncCounters()

    private let core: LogCore
    private let directory: String
    private let options: EventLogOptions
    private let hasher = SHA256Chain()
    /// LZ4 primed with the log's dictionary, when the log has one.
    private let compressor: LZ4DictionaryCompressor?
    /// Whether the active segment may hold codec-2 batches: a version-1 segment (written before
    /// dictionaries) keeps codec 1 until the next segment starts.
    private var activeTakesDictionary: Bool
    private var activeFile: FileDescriptor
    private var activeOrdinal: Int32
    private var activeLength: Int
    /// The active segment holds zeros up to here: overwriting allocated blocks lets `fdatasync`
    /// skip the file-size journal commit an append would need, about half its latency
    /// (docs/performance.md, "`protalent bench log` — durable appends").
    private var zeroedUpTo = 0
    private var activeIndex: SegmentIndexFile
    private var chainHash: [UInt8]
    private var nextPosition: Int64
    private var lastTimestamp: Int64
    private var failure: LogError?
    /// Sealed segments whose event ids the thread loads before its first append (see `run()`).
    private var pendingEventIds: [SegmentIndexFile]

    init(core: LogCore, directory: String, options: EventLogOptions, opened: LogOpener.Opened) throws(LogError) {
        self.core = core
        self.directory = directory
        self.options = options
        chainHash = opened.index.chainHash
        nextPosition = opened.index.head + 1
        lastTimestamp = opened.lastTimestamp
        pendingEventIds = opened.sealedIndexes
        compressor = core.dictionary.map(LZ4DictionaryCompressor.init)
        activeTakesDictionary = opened.activeFormatVersion >= 2
        if let last = opened.index.segments.last, let index = opened.activeSegmentIndex {
            activeFile = try FileDescriptor.open(last.path, writable: true)
            activeOrdinal = Int32(opened.index.segments.count - 1)
            activeLength = last.length
            activeIndex = index
        } else {
            let segment = try Self.createSegment(
                directory: directory, basePosition: 1, previousChainHash: LogFormat.zeroHash, version: LogFormat.version(dictionary: core.dictionary)
            )
            core.addSegment(segment.state)
            activeFile = segment.writer
            activeOrdinal = 0
            activeLength = LogFormat.segmentHeaderSize
            activeIndex = SegmentIndexFile(basePosition: 1, segmentLength: Int64(LogFormat.segmentHeaderSize))
        }
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "protalent-log-writer"
        thread.qualityOfService = .userInitiated
        thread.start()
    }

    func enqueue(_ pending: Pending) {
        enqueue(.append(pending))
    }

    func enqueue(_ pending: ReplicatedPending) {
        enqueue(.replicated(pending))
    }

    private func enqueue(_ work: Work) {
        condition.lock()
        if stopping {
            condition.unlock()
            work.refuse(.closed("the log is shutting down"))
            return
        }
        queue.append(work)
        // The writer waits for the first item, or while gathering for `gatherUntil` of them: waking
        // it for each straggler would cost a context switch per append.
        if queue.count == 1 || queue.count >= gatherUntil { condition.signal() }
        condition.unlock()
    }

    /// Finishes every queued append, then stops the thread and waits for pending index files.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
        finished.wait()
        indexWrites.sync {}
        // A cleanly closed segment ends at its last batch; the next writer zero-fills again.
        if failure == nil, zeroedUpTo > activeLength {
            try? activeFile.truncate(to: activeLength)
            try? activeFile.syncData()
        }
    }

    private func run() {
        loadEventIds()
        while true {
            let work = takeRound()
            if work.isEmpty { break }
            // A log takes either appends or replicated batches (`EventLog` checks which), so the
            // two kinds never interleave in one round and their order between kinds is moot.
            var appends: [Pending] = []
            var replicated: [ReplicatedPending] = []
            for item in work {
                switch item {
                case .append(let pending): appends.append(pending)
                case .replicated(let pending): replicated.append(pending)
                }
            }
            if !appends.isEmpty { process(appends) }
            if !replicated.isEmpty { process(replicated) }
        }
        finished.signal()
    }

    /// Waits for work and takes all of it; empty once stopping with nothing left.
    ///
    /// Gathering: the appenders the last round answered usually come straight back, but one by one,
    /// and the first to arrive would otherwise be written alone and cost a whole fsync, the others
    /// waiting for the next (rounds of 64 writers alternated between a few appends and the rest).
    /// So when the last round answered more than one append, the writer waits until as many are
    /// queued again, or for at most half its last fsync, whichever comes first. A lone appender
    /// (last round of one) is written at once, as before. Durability is unchanged: nothing is
    /// acknowledged before its fsync.
    private func takeRound() -> [Work] {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !stopping { condition.wait() }
        if options.gatherRounds, lastRoundAppends > 1, queue.count < lastRoundAppends, !stopping {
            let wait = min(Double(lastSyncNanos) / 2e9, 0.001)
            let deadline = Date(timeIntervalSinceNow: wait)
            gatherUntil = lastRoundAppends
            while queue.count < lastRoundAppends, !stopping, condition.wait(until: deadline) {}
            gatherUntil = Int.max
        }
        let work = queue
        queue.removeAll(keepingCapacity: true)
        return work
    }

    /// Loads the sealed segments' event ids into the index. Done here rather than in `open` so the
    /// log answers reads at once; appends queue meanwhile, since only their idempotency check
    /// needs the ids (for ten million events this is most of the opening time).
    private func loadEventIds() {
        guard !pendingEventIds.isEmpty else { return }
        var table = EventIdTable()
        LogIndex.eventIds(of: pendingEventIds, into: &table)
        pendingEventIds = []
        core.state.withLock { state in
            table.merge(state.index.eventIds)
            state.index.eventIds = table
        }
    }

    // MARK: Group commit

    /// What the index and the not-yet-durable appends of this round say about a stream or event id.
    private struct Overlay {
        var versions: [String: Int64] = [:]
        var eventIds: [UUID: (position: Int64, stream: String, version: Int64)] = [:]
    }

    private enum Decision {
        case reject(LogError)
        /// Every event is already stored; `durable` is false when some are only in this round.
        case duplicate(AppendResult, durable: Bool)
        /// Accepted; each stream's current version, as checked, so appending needs no second lookup.
        case accept(currentVersions: [Int64])
    }

    private func process(_ work: [Pending]) {
        if let failure {
            for pending in work { pending.continuation.resume(returning: .failure(failure)) }
            return
        }
        var overlay = Overlay()
        var raw = ByteWriter(capacity: options.targetBatchBytes + 4096)
        var batchRecords: [RecordedEvent] = []
        var published: [LogCore.PublishedBatch] = []
        var waiting: [(Pending, AppendResult)] = []
        let taken = AppendTiming.now()
        var timing: AppendTiming?
        let timestamp = max(options.clock(), lastTimestamp)
        lastTimestamp = timestamp
        let lengthBefore = activeLength

        do throws(LogError) {
            for pending in work {
                let decision = core.state.withLock { state in
                    decide(pending.appends, index: state.index, overlay: overlay)
                }
                switch decision {
                case .reject(let error):
                    pending.continuation.resume(returning: .failure(error))
                case .duplicate(let result, let durable):
                    if durable {
                        pending.continuation.resume(returning: .success(result))
                    } else {
                        waiting.append((pending, result))
                    }
                case .accept(let currentVersions):
                    let result = accept(
                        pending.appends, currentVersions: currentVersions, timestamp: timestamp,
                        overlay: &overlay, raw: &raw, records: &batchRecords
                    )
                    waiting.append((pending, result))
                    if raw.bytes.count >= options.targetBatchBytes {
                        published.append(try seal(&raw, records: &batchRecords))
                    }
                }
            }
            if !batchRecords.isEmpty { published.append(try seal(&raw, records: &batchRecords)) }
            if !published.isEmpty, options.durability == .fsync, !Self.omitsAppendSync {
                let sync = try syncs.measure(activeFile.syncData)
                lastSyncNanos = sync.finished - sync.started
                timing = AppendTiming(taken: taken, syncStarted: sync.started, syncFinished: sync.finished)
            }
        } catch {
            fail(error, lengthBefore: lengthBefore, waiting: waiting.map { Work.append($0.0) })
            return
        }
        core.publish(published)
        lastRoundAppends = waiting.count
        for (pending, result) in waiting {
            var result = result
            result.timing = timing
            pending.continuation.resume(returning: .success(result))
        }
    }

    /// Checks an append against the durable index and this round's overlay.
    private func decide(_ appends: [StreamAppend], index: LogIndex, overlay: Overlay) -> Decision {
        var seenStreams = Set<String>()
        var seenIds = Set<UUID>()
        var eventCount = 0
        var estimatedBytes = 0
        for append in appends {
            guard !append.stream.isEmpty, append.stream.utf8.count <= RecordCodec.maxNameBytes else {
                return .reject(.invalidAppend("stream names must have 1 to 65,535 UTF-8 bytes"))
            }
            guard seenStreams.insert(append.stream).inserted else {
                return .reject(.invalidAppend("stream '\(append.stream)' appears twice in one append"))
            }
            for event in append.events {
                guard !event.type.isEmpty, event.type.utf8.count <= RecordCodec.maxNameBytes,
                      (event.metadata.actor?.utf8.count ?? 0) <= RecordCodec.maxNameBytes else {
                    return .reject(.invalidAppend("event type and actor must have at most 65,535 UTF-8 bytes, and a type at least 1"))
                }
                guard seenIds.insert(event.eventId).inserted else {
                    return .reject(.invalidAppend("event id \(event.eventId) appears twice in one append"))
                }
                eventCount += 1
                estimatedBytes += 96 + append.stream.utf8.count + event.type.utf8.count + event.payload.count
                    + (event.metadata.actor?.utf8.count ?? 0) + (event.metadata.trace == nil ? 0 : 25)
            }
        }
        guard eventCount > 0 else { return .reject(.invalidAppend("an append needs at least one event")) }
        guard estimatedBytes <= LogFormat.maxBatchRawBytes else {
            return .reject(.invalidAppend("the append holds \(estimatedBytes) bytes; the limit is \(LogFormat.maxBatchRawBytes)"))
        }

        // Idempotency: all ids already stored in the same streams → the original result; some → refused.
        var found = 0
        var durable = true
        var first = Int64.max
        var last = Int64.min
        var versions: [String: Int64] = [:]
        for append in appends {
            for event in append.events {
                let stored: (position: Int64, stream: String, version: Int64)?
                if let pending = overlay.eventIds[event.eventId] {
                    stored = pending
                    durable = false
                } else if let position = index.eventIds[event.eventId] {
                    stored = Self.locate(position, in: append.stream, index: index).map { (position, append.stream, $0) }
                        ?? (position, "another stream", 0)
                } else {
                    stored = nil
                }
                guard let stored else { continue }
                if stored.stream != append.stream {
                    return .reject(.duplicateEventId("\(event.eventId)", "it was appended to \(stored.stream), not to '\(append.stream)'"))
                }
                found += 1
                first = min(first, stored.position)
                last = max(last, stored.position)
                versions[append.stream] = max(versions[append.stream] ?? 0, stored.version)
            }
        }
        if found == eventCount {
            return .duplicate(AppendResult(firstPosition: first, lastPosition: last, streamVersions: versions, wasDuplicate: true), durable: durable)
        }
        if found > 0 {
            return .reject(.duplicateEventId("(\(found) of \(eventCount))", "an append may be retried whole, not in part"))
        }

        var currentVersions: [Int64] = []
        currentVersions.reserveCapacity(appends.count)
        for append in appends {
            let current = overlay.versions[append.stream] ?? index.version(of: append.stream)
            guard append.expectedVersion.isSatisfied(by: current) else {
                return .reject(.wrongExpectedVersion(stream: append.stream, expected: append.expectedVersion, actual: current))
            }
            currentVersions.append(current)
        }
        return .accept(currentVersions: currentVersions)
    }

    /// The version `position` has in `stream`, if it belongs to it.
    private static func locate(_ position: Int64, in stream: String, index: LogIndex) -> Int64? {
        guard let positions = index.streams[stream] else { return nil }
        var low = 0
        var high = positions.count - 1
        while low <= high {
            let middle = (low + high) / 2
            if positions[middle] == position { return Int64(middle + 1) }
            if positions[middle] < position { low = middle + 1 } else { high = middle - 1 }
        }
        return nil
    }

    private func accept(
        _ appends: [StreamAppend], currentVersions: [Int64], timestamp: Int64,
        overlay: inout Overlay, raw: inout ByteWriter, records: inout [RecordedEvent]
    ) -> AppendResult {
        let first = nextPosition
        var versions: [String: Int64] = [:]
        for (append, current) in zip(appends, currentVersions) {
            var version = current
            for event in append.events {
                version += 1
                RecordCodec.append(event, stream: append.stream, version: version, timestampMicros: timestamp, to: &raw)
                records.append(RecordedEvent(
                    position: nextPosition, stream: append.stream, streamVersion: version, type: event.type,
                    eventId: event.eventId, timestampMicros: timestamp, metadata: event.metadata, payload: event.payload
                ))
                overlay.eventIds[event.eventId] = (nextPosition, append.stream, version)
                nextPosition += 1
            }
            overlay.versions[append.stream] = version
            versions[append.stream] = version
        }
        return AppendResult(firstPosition: first, lastPosition: nextPosition - 1, streamVersions: versions, wasDuplicate: false)
    }

    /// Seals the records gathered so far into a batch and writes it (rolling the segment first when full).
    private func seal(_ raw: inout ByteWriter, records: inout [RecordedEvent]) throws(LogError) -> LogCore.PublishedBatch {
        if activeLength >= options.segmentSize, !activeIndex.batches.isEmpty { try roll() }
        let sealed = BatchPayload.seal(
            raw: raw.bytes, firstPosition: records[0].position, recordCount: records.count,
            previousChainHash: chainHash, compressionLevel: options.compressionLevel,
            dictionary: activeTakesDictionary ? compressor : nil, hasher: hasher
        )
        try ensureZeroedSpace(through: activeLength + sealed.bytes.count)
        try activeFile.write(sealed.bytes, at: activeLength)
        let offset = activeLength
        activeLength += sealed.bytes.count
        activeIndex.add(batchAt: offset, header: sealed.header, records: records.lazy.map { ($0.eventId, $0.stream, $0.streamVersion) })
        chainHash = sealed.header.chainHash
        let batch = LogCore.PublishedBatch(
            location: BatchLocation(
                firstPosition: sealed.header.firstPosition, count: Int32(records.count), segment: activeOrdinal,
                offset: Int64(offset), size: Int32(sealed.bytes.count)
            ),
            rawLength: raw.bytes.count, chainHash: sealed.header.chainHash, records: records
        )
        raw.bytes.removeAll(keepingCapacity: true)
        records.removeAll(keepingCapacity: true)
        return batch
    }

    /// Zero-fills the active segment ahead of `end` in steps of `zeroFillStep`, so batch writes land
    /// in blocks that are already allocated and the file size rarely changes.
    private func ensureZeroedSpace(through end: Int) throws(LogError) {
        guard options.zeroFillStep > 0, end > zeroedUpTo else { return }
        if zeroedUpTo == 0 { zeroedUpTo = try activeFile.size() }
        while end > zeroedUpTo {
            let chunk = max(options.zeroFillStep, end - zeroedUpTo)
            try activeFile.write([UInt8](repeating: 0, count: chunk), at: zeroedUpTo)
            zeroedUpTo += chunk
        }
    }

    /// Seals the active segment (durably, with its index written in the background) and starts the next.
    private func roll() throws(LogError) {
        // A sealed segment ends at its last batch: the zeros ahead of the tail are cut off.
        try activeFile.truncate(to: activeLength)
        if options.durability == .fsync { try syncs.measure(activeFile.syncData) }
        let sealedIndex = activeIndex
        let sealedPath = directory + "/" + LogFormat.segmentFileName(basePosition: sealedIndex.basePosition)
        indexWrites.async {
            // Derived data: if this fails, the next open rebuilds it by scanning the segment.
            guard let indexBytes = try? sealedIndex.write(to: LogOpener.indexPath(forSegment: sealedPath)) else { return }
            // Verified once, now, and recorded, so later opens check the record instead of
            // re-hashing the segment. If this fails (or finds damage), the segment has no record
            // and the next open verifies it in full (and refuses it if damaged).
            try? LogOpener.verifyAndRecord(segment: sealedPath, index: sealedIndex, indexBytes: indexBytes)
        }
        let segment = try Self.createSegment(
            directory: directory, basePosition: nextPositionOfActive(), previousChainHash: chainHash, version: LogFormat.version(dictionary: core.dictionary)
        )
        core.addSegment(segment.state)
        activeFile = segment.writer
        activeOrdinal += 1
        activeLength = LogFormat.segmentHeaderSize
        activeTakesDictionary = core.dictionary != nil
        zeroedUpTo = 0
        activeIndex = SegmentIndexFile(basePosition: segment.state.basePosition, segmentLength: Int64(LogFormat.segmentHeaderSize), finalChainHash: chainHash)
    }

    private func nextPositionOfActive() -> Int64 {
        (activeIndex.batches.last.map { $0.firstPosition + Int64($0.count) }) ?? activeIndex.basePosition
    }

    /// Creates a segment atomically: header into a temporary file, fsync, rename, fsync the directory.
    static func createSegment(
        directory: String, basePosition: Int64, previousChainHash: [UInt8], version: UInt16
    ) throws(LogError) -> (state: SegmentState, writer: FileDescriptor) {
        let path = directory + "/" + LogFormat.segmentFileName(basePosition: basePosition)
        let temporary = path + ".tmp"
        let header = SegmentHeader(formatVersion: version, basePosition: basePosition, previousChainHash: previousChainHash)
        let file = try FileDescriptor.open(temporary, writable: true, create: true)
        try file.truncate(to: 0)
        try file.write(header.encoded(), at: 0)
        try file.sync()
        guard rename(temporary, path) == 0 else { throw LogError.io("rename", path: temporary, errno: errno) }
        try FileDescriptor.syncDirectory(directory)
        let reader = try FileDescriptor.open(path, writable: false)
        return (SegmentState(basePosition: basePosition, path: path, reader: reader, length: LogFormat.segmentHeaderSize), file)
    }

    /// A write or fsync failed: nothing of this round is acknowledged, the partial bytes are cut off
    /// when possible, and the writer refuses further appends (the state on disk is uncertain until
    /// the log is reopened and recovered, as PostgreSQL does after a failed fsync).
    private func fail(_ error: LogError, lengthBefore: Int, waiting: [Work]) {
        failure = .closed("the writer stopped after a storage failure (\(error)); reopen the log to recover")
        try? activeFile.truncate(to: lengthBefore)
        for work in waiting { work.refuse(error) }
    }
}

// MARK: - Replicated batches

extension LogWriter {
    /// A replicated batch that passed every check, ready to be written.
    private struct CheckedBatch {
        var batch: ReplicatedBatch
        var header: BatchHeader
        var records: [RecordedEvent]
    }

    /// Writes a round of a primary's batches byte for byte, each checked against this log's head
    /// first, then fsyncs once for all of them and publishes them (group commit, as for appends).
    /// A refused batch is answered with its reason and nothing of it is written.
    private func process(_ work: [ReplicatedPending]) {
        if let failure {
            for pending in work { pending.continuation.resume(returning: .failure(failure)) }
            return
        }
        var published: [LogCore.PublishedBatch] = []
        var answers: [(ReplicatedPending, Result<Int64, LogError>)] = []
        var versions: [String: Int64] = [:]
        let lengthBefore = activeLength
        do throws(LogError) {
            for pending in work {
                var answer = Result<Int64, LogError>.success(nextPosition - 1)
                for batch in pending.batches {
                    let checked: CheckedBatch
                    do throws(LogError) {
                        checked = try check(batch, roundVersions: &versions)
                    } catch {
                        answer = .failure(error)
                        break
                    }
                    published.append(try write(checked))
                    answer = .success(checked.header.lastPosition)
                }
                answers.append((pending, answer))
            }
            if !published.isEmpty, options.durability == .fsync { try syncs.measure(activeFile.syncData) }
        } catch {
            // Nothing of this round was answered yet: every batch of it fails with the storage error.
            fail(error, lengthBefore: lengthBefore, waiting: work.map { Work.replicated($0) })
            return
        }
        core.publish(published)
        for (pending, answer) in answers { pending.continuation.resume(returning: answer) }
    }

    /// Checks a replicated batch against this log's head: complete, checksum intact, starting at the
    /// next position, continuing this log's chain hash, records decodable with stream versions and
    /// event ids that follow the log, and a segment boundary that matches this log's.
    private func check(_ batch: ReplicatedBatch, roundVersions: inout [String: Int64]) throws(LogError) -> CheckedBatch {
        let expected = nextPosition
        let bytes = batch.bytes
        guard bytes.count >= LogFormat.batchHeaderSize else {
            throw .replication(position: expected, "truncated batch: \(bytes.count) bytes, less than a batch header (\(LogFormat.batchHeaderSize))")
        }
        let previous = chainHash
        let hasher = self.hasher
        let checked = bytes.withUnsafeBytes { raw in
            Result { () throws(FormatError) -> (BatchHeader, [RecordedEvent]) in
                let header = try SegmentScanner.checkBatch(raw, at: 0, expectedPosition: nil, previousChainHash: nil, hasher: nil)
                guard header.totalSize == raw.count else {
                    throw FormatError("\(raw.count - header.totalSize) bytes follow the batch's \(header.totalSize)")
                }
                guard header.firstPosition == expected else {
                    throw FormatError("the batch starts at position \(header.firstPosition), this log's next position is \(expected) "
                        + (header.firstPosition > expected ? "(a gap)" : "(an overlap)"))
                }
                let prefix = Array(raw[0..<28])
                let payload = UnsafeRawBufferPointer(rebasing: raw[LogFormat.batchHeaderSize...])
                guard hasher.chain(previous: previous, prefix: prefix, payload: payload) == header.chainHash else {
                    throw FormatError("the batch does not continue this log's hash chain: it comes from another log, or the logs diverged")
                }
                return (header, try SegmentScanner.decodePayload(raw, batch: header, at: 0, dictionary: core.dictionary))
            }
        }
        let header: BatchHeader
        let records: [RecordedEvent]
        do {
            (header, records) = try checked.get()
        } catch {
            throw .replication(position: expected, "\(error)")
        }
        if batch.startsSegment {
            // A new segment unless this log's active one is still empty and starts right here.
        } else if activeIndex.batches.isEmpty {
            throw .replication(position: expected, "the primary's segment continues here, but this log's segment \(activeIndex.basePosition) starts here")
        }
        // The versions of this round's earlier batches, updated only if this one is accepted.
        var versions = roundVersions
        let conflict = core.state.withLock { state -> String? in
            for record in records {
                let current = versions[record.stream] ?? state.index.version(of: record.stream)
                if record.streamVersion != current + 1 {
                    return "event \(record.position) is version \(record.streamVersion) of '\(record.stream)', which is at version \(current) here"
                }
                versions[record.stream] = record.streamVersion
                if state.index.eventIds[record.eventId] != nil {
                    return "event id \(record.eventId) at position \(record.position) is already stored"
                }
            }
            return nil
        }
        if let conflict { throw .replication(position: expected, conflict) }
        roundVersions = versions
        return CheckedBatch(batch: batch, header: header, records: records)
    }

    /// Writes a checked batch at the end of the active segment, opening a new segment first when
    /// the primary's batch opened one.
    private func write(_ checked: CheckedBatch) throws(LogError) -> LogCore.PublishedBatch {
        let header = checked.header
        if checked.batch.startsSegment, !(activeIndex.batches.isEmpty && activeIndex.basePosition == header.firstPosition) {
            try roll()
        }
        let bytes = checked.batch.bytes
        try ensureZeroedSpace(through: activeLength + bytes.count)
        try activeFile.write(bytes, at: activeLength)
        let offset = activeLength
        activeLength += bytes.count
        activeIndex.add(batchAt: offset, header: header, records: checked.records.lazy.map { ($0.eventId, $0.stream, $0.streamVersion) })
        chainHash = header.chainHash
        nextPosition = header.lastPosition + 1
        if let last = checked.records.last { lastTimestamp = max(lastTimestamp, last.timestampMicros) }
        return LogCore.PublishedBatch(
            location: BatchLocation(
                firstPosition: header.firstPosition, count: Int32(header.recordCount), segment: activeOrdinal,
                offset: Int64(offset), size: Int32(bytes.count)
            ),
            rawLength: Int(header.rawLength), chainHash: header.chainHash, records: checked.records
        )
    }
}
