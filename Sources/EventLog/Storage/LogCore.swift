import Synchronization

/// The state readers and the writer share: the published index, head waiters, and the batch cache.
///
/// Everything mutable sits in one `Mutex`; the writer publishes a batch under it only after the
/// batch's fsync returned, so readers never see an event that could still be lost.
final class LogCore: Sendable {
    struct State: Sendable {
        var index: LogIndex
        var waiters: [Int: (position: Int64, continuation: CheckedContinuation<Void, Never>)] = [:]
        var nextWaiterId = 0
        var closed = false
    }

    struct PublishedBatch {
        var location: BatchLocation
        var rawLength: Int
        var chainHash: [UInt8]
        var records: [RecordedEvent]
    }

    let state: Mutex<State>
    let cache: BatchCache
    /// The log's LZ4 dictionary (`lz4.dict`), if it has one: codec-2 batches decode against it.
    let dictionary: LogDictionary?

    init(index: LogIndex, cachedBatches: Int, dictionary: LogDictionary?) {
        state = Mutex(State(index: index))
        cache = BatchCache(capacity: cachedBatches)
        self.dictionary = dictionary
    }

    var head: Int64 { state.withLock { $0.index.head } }

    // MARK: Writing side

    func addSegment(_ segment: SegmentState) {
        state.withLock { $0.index.segments.append(segment) }
    }

    /// Makes durable batches visible and wakes whoever waits for them.
    func publish(_ batches: [PublishedBatch]) {
        guard !batches.isEmpty else { return }
        for batch in batches { cache.put(batch.location.firstPosition, batch.records) }
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            for batch in batches {
                state.index.add(
                    batch: batch.location, rawLength: batch.rawLength, chainHash: batch.chainHash,
                    records: batch.records.lazy.map { ($0.eventId, $0.stream, $0.streamVersion) }
                )
            }
            let head = state.index.head
            return takeWaiters(&state) { $0 <= head }
        }
        for continuation in ready { continuation.resume() }
    }

    func markClosed() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.closed = true
            return takeWaiters(&state) { _ in true }
        }
        for continuation in waiting { continuation.resume() }
    }

    private func takeWaiters(_ state: inout State, where ready: (Int64) -> Bool) -> [CheckedContinuation<Void, Never>] {
        var resumed: [CheckedContinuation<Void, Never>] = []
        for (id, waiter) in state.waiters where ready(waiter.position) {
            resumed.append(waiter.continuation)
            state.waiters.removeValue(forKey: id)
        }
        return resumed
    }

    // MARK: Reading side

    /// Suspends until `position` is durable, the log closes, or the task is cancelled.
    func waitUntilStored(_ position: Int64) async {
        let id = state.withLock { state -> Int in
            state.nextWaiterId += 1
            return state.nextWaiterId
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.closed || state.index.head >= position || Task.isCancelled { return true }
                    state.waiters[id] = (position, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.continuation.resume()
        }
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// The records of the batch at `batchIndex` in the index, from the cache or the segment file.
    func records(ofBatch location: BatchLocation, segment: SegmentState) throws(LogError) -> [RecordedEvent] {
        if let cached = cache.get(location.firstPosition) { return cached }
        return try decodeAndCache(location, segment: segment)
    }

    /// Reads and decodes the batch at `location`, and keeps its records in the cache.
    private func decodeAndCache(_ location: BatchLocation, segment: SegmentState) throws(LogError) -> [RecordedEvent] {
        var records: [RecordedEvent] = []
        try decode(location, segment: segment, into: &records)
        cache.put(location.firstPosition, records)
        return records
    }

    /// Reads the batch at `location` from its segment file and decodes its records onto `events`.
    private func decode(_ location: BatchLocation, segment: SegmentState, into events: inout [RecordedEvent]) throws(LogError) {
        let bytes = try segment.reader.read(at: Int(location.offset), count: Int(location.size))
        let decoded = bytes.withUnsafeBytes { raw in
            Result { () throws(FormatError) in
                let header = try SegmentScanner.checkBatch(
                    raw, at: 0, expectedPosition: location.firstPosition, previousChainHash: nil, hasher: nil
                )
                try SegmentScanner.decodePayload(raw, batch: header, at: 0, dictionary: dictionary, into: &events)
            }
        }
        if case .failure(let error) = decoded {
            throw LogError.corruption(file: segment.path, offset: Int(location.offset), position: location.firstPosition, reason: error.description)
        }
    }

    /// Up to `maxCount` events from `position` on, in order. Without `caching`, a whole batch not
    /// in the cache is decoded straight into the result and left out of the cache.
    func read(from position: Int64, maxCount: Int, caching: Bool = true) throws(LogError) -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        var next = max(position, 1)
        while events.count < maxCount {
            let found = state.withLock { state -> (BatchLocation, SegmentState)? in
                guard let index = state.index.batchIndex(containing: next) else { return nil }
                let location = state.index.batches[index]
                return (location, state.index.segments[Int(location.segment)])
            }
            guard let (location, segment) = found else { break }
            let start = Int(next - location.firstPosition)
            let cached = cache.get(location.firstPosition)
            if cached == nil, !caching, start == 0, Int(location.count) <= maxCount - events.count {
                try decode(location, segment: segment, into: &events)
                next = location.lastPosition + 1
                continue
            }
            let records: [RecordedEvent]
            if let cached { records = cached } else { records = try decodeAndCache(location, segment: segment) }
            let end = min(records.count, start + (maxCount - events.count))
            events.append(contentsOf: records[start..<end])
            next = location.firstPosition + Int64(end)
        }
        return events
    }

    /// Up to `maxCount` events of `stream` from `version` on (versions start at 1).
    func readStream(_ stream: String, from version: Int64, maxCount: Int) throws(LogError) -> [RecordedEvent] {
        let positions = state.withLock { state -> ArraySlice<Int64> in
            guard let all = state.index.streams[stream], version <= all.count else { return [] }
            let start = Int(max(version, 1) - 1)
            return all[start..<(start + min(maxCount, all.count - start))]
        }
        var events: [RecordedEvent] = []
        events.reserveCapacity(positions.count)
        var current: (location: BatchLocation, records: [RecordedEvent])?
        for position in positions {
            if let batch = current, position <= batch.location.lastPosition, position >= batch.location.firstPosition {
                events.append(batch.records[Int(position - batch.location.firstPosition)])
                continue
            }
            let found = state.withLock { state -> (BatchLocation, SegmentState)? in
                guard let index = state.index.batchIndex(containing: position) else { return nil }
                let location = state.index.batches[index]
                return (location, state.index.segments[Int(location.segment)])
            }
            guard let (location, segment) = found else { break }
            let records = try records(ofBatch: location, segment: segment)
            current = (location, records)
            events.append(records[Int(position - location.firstPosition)])
        }
        return events
    }
}
