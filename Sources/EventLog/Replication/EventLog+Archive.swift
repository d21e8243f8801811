import Synchronization

/// A segment file as the archive ships it: sealed ones are immutable and uploaded once.
public struct SegmentSummary: Sendable, Equatable {
    /// The first position it holds.
    public var basePosition: Int64
    /// The last position it holds (`basePosition - 1` when empty).
    public var lastPosition: Int64
    /// Its file.
    public var path: String
    /// Its bytes of header and batches (the file may be longer: zero-filled room ahead).
    public var length: Int
    /// The chain hash after its last batch.
    public var finalChainHash: [UInt8]
    /// Whether a later segment exists, so this one never changes again.
    public var isSealed: Bool
}

extension EventLog {
    /// The segments holding position `from` and later, oldest first, with the chain hash at the
    /// end of each (read from its last batch's header).
    ///
    /// - Throws: `.io` when a segment cannot be read.
    public func segments(from position: Int64 = 1) throws(LogError) -> [SegmentSummary] {
        let found = core.state.withLock { state -> [(SegmentState, BatchLocation?, Bool)] in
            var picked: [(SegmentState, BatchLocation?, Bool)] = []
            let segments = state.index.segments
            var lastBatch = [Int: BatchLocation]()
            // Batches are in position order, so the last one seen per segment is its last.
            if let first = state.index.batchIndex(containing: max(1, position)) ?? (state.index.batches.isEmpty ? nil : state.index.batches.count - 1) {
                for location in state.index.batches[first...] { lastBatch[Int(location.segment)] = location }
            }
            for (number, segment) in segments.enumerated() {
                let next = number + 1 < segments.count ? segments[number + 1].basePosition : state.index.head + 1
                guard next - 1 >= position else { continue }
                picked.append((segment, lastBatch[number], number + 1 < segments.count))
            }
            return picked
        }
        var summaries: [SegmentSummary] = []
        for (segment, last, sealed) in found {
            var chain = LogFormat.zeroHash
            if let last {
                let header = try segment.reader.read(at: Int(last.offset), count: LogFormat.batchHeaderSize)
                chain = Array(header[32..<64])
            }
            summaries.append(SegmentSummary(
                basePosition: segment.basePosition, lastPosition: last?.lastPosition ?? segment.basePosition - 1, path: segment.path,
                length: segment.length, finalChainHash: chain, isSealed: sealed
            ))
        }
        return summaries
    }
}

extension EventLog {
    /// The chain hash after the stored batch that ends at `position` (zeros for position 0); `nil`
    /// when no batch ends there (beyond the head, or inside a batch).
    ///
    /// - Throws: `.io` when the segment cannot be read.
    public func chainHash(endingAt position: Int64) throws(LogError) -> [UInt8]? {
        if position == 0 { return LogFormat.zeroHash }
        let found = core.state.withLock { state -> (BatchLocation, SegmentState)? in
            guard let index = state.index.batchIndex(containing: position) else { return nil }
            let location = state.index.batches[index]
            guard location.lastPosition == position else { return nil }
            return (location, state.index.segments[Int(location.segment)])
        }
        guard let (location, segment) = found else { return nil }
        let header = try segment.reader.read(at: Int(location.offset), count: LogFormat.batchHeaderSize)
        return Array(header[32..<64])
    }
}
