import EventLog
import Foundation

/// The log's bytes in archive objects, and back into batches a replica's log checks and appends.
///
/// A tail object is its batches in order, each preceded by one byte: 1 when the batch opens a
/// segment on the primary, else 0. A segment object is the segment file itself (64-byte header,
/// then batches). Batches carry their own length, checksum and chain hash, so nothing else is needed.
enum ArchiveObjectCodec {
    static let segmentHeaderSize = 64
    static let batchHeaderSize = 64
    static let segmentMagic = Array("PROTALOG".utf8)
    static let batchMagic = Array("PTB1".utf8)

    /// A tail object holding `batches`.
    static func tail(_ batches: [ReplicatedBatch]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(batches.reduce(0) { $0 + $1.bytes.count + 1 })
        for batch in batches {
            bytes.append(batch.startsSegment ? 1 : 0)
            bytes += batch.bytes
        }
        return bytes
    }

    /// The batches of a tail object.
    ///
    /// - Throws: naming the object and the position where it is truncated or malformed.
    static func batches(ofTail bytes: [UInt8], key: String, first: Int64) throws(ArchiveError) -> [ReplicatedBatch] {
        var batches: [ReplicatedBatch] = []
        var offset = 0
        var expected = first
        while offset < bytes.count {
            guard bytes[offset] <= 1 else { throw .object(key, position: expected, "byte \(offset) is not a batch flag (altered)") }
            let batch = try self.batch(in: bytes, at: offset + 1, key: key, expected: expected)
            batches.append(ReplicatedBatch(bytes: batch, startsSegment: bytes[offset] == 1))
            offset += 1 + batch.count
            expected = (batches.last?.lastPosition ?? expected - 1) + 1
        }
        return batches
    }

    /// The batches of a segment object (the first one opens the segment).
    static func batches(ofSegment bytes: [UInt8], key: String, first: Int64) throws(ArchiveError) -> [ReplicatedBatch] {
        guard bytes.count >= segmentHeaderSize, Array(bytes[0..<8]) == segmentMagic else {
            throw .object(key, position: first, "it does not start with a segment header (truncated or altered)")
        }
        var batches: [ReplicatedBatch] = []
        var offset = segmentHeaderSize
        var expected = first
        while offset < bytes.count {
            let batch = try self.batch(in: bytes, at: offset, key: key, expected: expected)
            batches.append(ReplicatedBatch(bytes: batch, startsSegment: batches.isEmpty))
            offset += batch.count
            expected = (batches.last?.lastPosition ?? expected - 1) + 1
        }
        return batches
    }

    /// The batch at `offset`: its header's length says where it ends; the log checks the rest.
    private static func batch(in bytes: [UInt8], at offset: Int, key: String, expected: Int64) throws(ArchiveError) -> [UInt8] {
        guard bytes.count - offset >= batchHeaderSize else {
            throw .object(key, position: expected, "truncated: \(bytes.count - offset) bytes left at byte \(offset), less than a batch header")
        }
        guard Array(bytes[offset..<offset + 4]) == batchMagic else {
            throw .object(key, position: expected, "no batch starts at byte \(offset) (altered)")
        }
        let stored = bytes.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))) }
        let size = batchHeaderSize + stored
        guard bytes.count - offset >= size else {
            throw .object(key, position: expected, "truncated: the batch at byte \(offset) needs \(size) bytes, \(bytes.count - offset) are there")
        }
        return Array(bytes[offset..<offset + size])
    }

    /// The chain hash a batch's header carries (hex).
    static func chainHash(of batch: ReplicatedBatch) -> String {
        hex(Array(batch.bytes[32..<64]))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
