/// One stored batch exactly as it lies in a segment file (64-byte header and stored payload), as a
/// primary sends it and a replica writes it: the same bytes at the same positions give the replica
/// the same chain hash.
///
/// `startsSegment` carries the segment boundaries: the primary's batch that opens a segment opens
/// one on the replica too, so segment files are byte-identical whatever each node's `segmentSize`.
public struct ReplicatedBatch: Sendable, Equatable {
    /// The batch record: header then stored payload.
    public var bytes: [UInt8]
    /// Whether the batch is the first of a segment on the primary.
    public var startsSegment: Bool

    /// A batch as received; nothing is checked until a replica's log appends it.
    public init(bytes: [UInt8], startsSegment: Bool) {
        self.bytes = bytes
        self.startsSegment = startsSegment
    }

    /// The first position its header claims (`nil` when the bytes are too short to say).
    public var firstPosition: Int64? {
        guard bytes.count >= 28 else { return nil }
        return bytes.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(fromByteOffset: 16, as: Int64.self)) }
    }

    /// The last position its header claims (`nil` when the bytes are too short to say).
    public var lastPosition: Int64? {
        guard let first = firstPosition else { return nil }
        let count = bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 24, as: UInt32.self)) }
        return first + Int64(count) - 1
    }
}
