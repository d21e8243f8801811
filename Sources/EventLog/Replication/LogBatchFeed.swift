import Synchronization

/// The stored batches of a log from a position on, raw, continuing live as new batches become
/// durable (see `EventLog.batches(from:)`): what a primary streams to a replica.
///
/// Pull-based like `LogSubscription`: each step reads the next batches from the segment files by
/// position, at most `maxBytes` at a time, and at the head waits for the writer to publish more. A
/// slow consumer only falls behind; it never holds memory or the writer back.
public struct LogBatchFeed: AsyncSequence, Sendable {
    public typealias Element = ReplicatedBatch
    public typealias Failure = LogError

    let core: LogCore
    let start: Int64
    let maxBytes: Int

    public func makeAsyncIterator() -> Iterator {
        Iterator(core: core, next: start, maxBytes: maxBytes)
    }

    /// Iterates the feed.
    public struct Iterator: AsyncIteratorProtocol {
        let core: LogCore
        /// The first position of the next batch to hand out.
        var next: Int64
        let maxBytes: Int
        var buffer: [ReplicatedBatch] = []
        var cursor = 0

        init(core: LogCore, next: Int64, maxBytes: Int) {
            self.core = core
            self.next = next
            self.maxBytes = maxBytes
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(LogError) -> ReplicatedBatch? {
            while cursor == buffer.count {
                if Task.isCancelled { return nil }
                buffer = try core.rawBatches(from: next, maxBytes: maxBytes)
                cursor = 0
                if buffer.isEmpty {
                    if core.isClosed { return nil }
                    await core.waitUntilStored(next)
                }
            }
            let batch = buffer[cursor]
            cursor += 1
            next = (batch.lastPosition ?? next - 1) + 1
            return batch
        }

        public mutating func next() async throws(LogError) -> ReplicatedBatch? {
            try await next(isolation: nil)
        }
    }
}

extension LogCore {
    /// The stored batches from the one starting at `position` on, raw, about `maxBytes` at most
    /// (always at least one when there is one). Empty when `position` is just past the head.
    ///
    /// - Throws: `.replication` when `position` is inside a batch or beyond the head (the asker
    ///   does not hold a prefix of this log), `.io` when a segment cannot be read.
    func rawBatches(from position: Int64, maxBytes: Int) throws(LogError) -> [ReplicatedBatch] {
        let found = state.withLock { state -> Result<[(BatchLocation, SegmentState)], LogError> in
            let head = state.index.head
            if position == head + 1 { return .success([]) }
            guard position >= 1, position <= head, let first = state.index.batchIndex(containing: position) else {
                return .failure(.replication(position: position, "the log's head is \(head): position \(position) is beyond it"))
            }
            let firstBatch = state.index.batches[first]
            guard firstBatch.firstPosition == position else {
                return .failure(.replication(
                    position: position,
                    "position \(position) is inside the batch \(firstBatch.firstPosition)...\(firstBatch.lastPosition): "
                        + "a replica holds whole batches, so it does not hold a prefix of this log"
                ))
            }
            var picked: [(BatchLocation, SegmentState)] = []
            var bytes = 0
            var index = first
            while index < state.index.batches.count, picked.isEmpty || bytes + Int(state.index.batches[index].size) <= maxBytes {
                let location = state.index.batches[index]
                picked.append((location, state.index.segments[Int(location.segment)]))
                bytes += Int(location.size)
                index += 1
            }
            return .success(picked)
        }
        var batches: [ReplicatedBatch] = []
        for (location, segment) in try found.get() {
            let bytes = try segment.reader.read(at: Int(location.offset), count: Int(location.size))
            batches.append(ReplicatedBatch(bytes: bytes, startsSegment: location.offset == Int64(LogFormat.segmentHeaderSize)))
        }
        return batches
    }
}
