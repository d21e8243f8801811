import Synchronization

extension EventLog {
    /// The chain hash of the stored batch that ends at `position`: what a replica whose head is
    /// `position` must hold there to be a copy of this log (`nil` when no batch of this log ends
    /// there, or at position 0, before any batch).
    public func chainHash(endingAt position: Int64) -> [UInt8]? {
        core.chainHash(endingAt: position)
    }
}

extension LogCore {
    func chainHash(endingAt position: Int64) -> [UInt8]? {
        let found = state.withLock { state -> (BatchLocation, SegmentState)? in
            guard let index = state.index.batchIndex(containing: position) else { return nil }
            let location = state.index.batches[index]
            guard location.lastPosition == position else { return nil }
            return (location, state.index.segments[Int(location.segment)])
        }
        guard let (location, segment) = found,
              let header = try? segment.reader.read(at: Int(location.offset), count: LogFormat.batchHeaderSize),
              header.count == LogFormat.batchHeaderSize
        else { return nil }
        return Array(header[32..<64])
    }
}
