import Synchronization

/// Where one stored batch starts and ends, and the chain hash after it: two logs with the same mark
/// hold the same bytes up to its last position (the chain hash covers everything before it), which
/// is how a former primary finds where it parted from the new one (`protalent rejoin`).
public struct BatchMark: Sendable, Equatable, Codable {
    /// The batch's first position.
    public var firstPosition: Int64
    /// The batch's last position.
    public var lastPosition: Int64
    /// The chain hash after the batch, lowercase hex.
    public var chainHash: String

    /// A mark.
    public init(firstPosition: Int64, lastPosition: Int64, chainHash: String) {
        self.firstPosition = firstPosition
        self.lastPosition = lastPosition
        self.chainHash = chainHash
    }
}

extension LogCore {
    /// The mark of the stored batch holding `position`, read from its header; `nil` beyond the head.
    func batchMark(containing position: Int64) throws(LogError) -> BatchMark? {
        let found = state.withLock { state -> (BatchLocation, SegmentState)? in
            guard let index = state.index.batchIndex(containing: position) else { return nil }
            let location = state.index.batches[index]
            return (location, state.index.segments[Int(location.segment)])
        }
        guard let (location, segment) = found else { return nil }
        let header = try segment.reader.read(at: Int(location.offset), count: LogFormat.batchHeaderSize)
        guard header.count == LogFormat.batchHeaderSize else {
            throw LogError.corruption(file: segment.path, offset: Int(location.offset), position: location.firstPosition,
                                      reason: "the batch header is truncated")
        }
        let hash = header[32..<32 + LogFormat.hashSize].map { byte in
            let text = String(byte, radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
        return BatchMark(firstPosition: location.firstPosition, lastPosition: location.lastPosition, chainHash: hash)
    }
}
