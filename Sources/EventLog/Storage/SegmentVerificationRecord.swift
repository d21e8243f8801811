import Foundation

/// The durable record that a sealed segment was verified in full once (`<base>.ver` beside
/// `<base>.seg`): what the segment held when every batch's checksum and chain hash checked out, so
/// a writer's later opens check this record against the segment instead of re-hashing it.
///
/// ```
/// 0   8  magic "PTVER001"
/// 8   8  segment base position
/// 16  8  segment length in bytes
/// 24  8  event count
/// 32  8  last position
/// 40  8  byte offset of the last batch
/// 48  4  CRC-32C of the segment header (its 64 bytes)
/// 52  4  CRC-32C of the segment's index file (`.idx`, all of its bytes)
/// 56  32 chain hash the segment continues (its header's copy)
/// 88  32 chain hash after the segment's last batch
/// 120 8  when the verification ran (microseconds since 1970)
/// 128 4  CRC-32C of bytes 0..<128
/// ```
struct SegmentVerificationRecord: Equatable {
    static let magic: [UInt8] = Array("PTVER001".utf8)
    static let size = 132
    static let fileExtension = "ver"

    var basePosition: Int64
    var segmentLength: Int64
    var eventCount: Int64
    var lastPosition: Int64
    var lastBatchOffset: Int64
    var headerChecksum: UInt32
    var indexChecksum: UInt32
    var previousChainHash: [UInt8]
    var finalChainHash: [UInt8]
    var verifiedAtMicros: Int64

    /// The record of a segment just verified in full, described by its (matching) index file.
    init(index: SegmentIndexFile, indexBytes: [UInt8], header: [UInt8], previousChainHash: [UInt8]) {
        basePosition = index.basePosition
        segmentLength = index.segmentLength
        eventCount = Int64(index.records.count)
        lastPosition = index.batches.last.map { $0.firstPosition + Int64($0.count) - 1 } ?? index.basePosition - 1
        lastBatchOffset = index.batches.last?.offset ?? Int64(LogFormat.segmentHeaderSize)
        headerChecksum = CRC32C.checksum(header)
        indexChecksum = CRC32C.checksum(indexBytes)
        self.previousChainHash = previousChainHash
        finalChainHash = index.finalChainHash
        verifiedAtMicros = Int64(Date().timeIntervalSince1970 * 1_000_000)
    }

    private init(
        basePosition: Int64, segmentLength: Int64, eventCount: Int64, lastPosition: Int64, lastBatchOffset: Int64,
        headerChecksum: UInt32, indexChecksum: UInt32, previousChainHash: [UInt8], finalChainHash: [UInt8], verifiedAtMicros: Int64
    ) {
        self.basePosition = basePosition
        self.segmentLength = segmentLength
        self.eventCount = eventCount
        self.lastPosition = lastPosition
        self.lastBatchOffset = lastBatchOffset
        self.headerChecksum = headerChecksum
        self.indexChecksum = indexChecksum
        self.previousChainHash = previousChainHash
        self.finalChainHash = finalChainHash
        self.verifiedAtMicros = verifiedAtMicros
    }

    static func path(forSegment path: String) -> String {
        String(path.dropLast(LogFormat.segmentExtension.count)) + fileExtension
    }

    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: Self.size)
        writer.write(Self.magic)
        writer.write(basePosition)
        writer.write(segmentLength)
        writer.write(eventCount)
        writer.write(lastPosition)
        writer.write(lastBatchOffset)
        writer.write(headerChecksum)
        writer.write(indexChecksum)
        writer.write(previousChainHash)
        writer.write(finalChainHash)
        writer.write(verifiedAtMicros)
        writer.write(CRC32C.checksum(writer.bytes))
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(FormatError) -> SegmentVerificationRecord {
        guard bytes.count == size, Array(bytes[0..<8]) == magic else { throw FormatError("not a segment verification record") }
        let decoded = bytes.withUnsafeBytes { raw in
            Result { () throws(FormatError) -> SegmentVerificationRecord in
                let computed = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<size - 4]))
                guard UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: size - 4, as: UInt32.self)) == computed else {
                    throw FormatError("segment verification record checksum mismatch")
                }
                var reader = ByteReader(UnsafeRawBufferPointer(rebasing: raw[0..<size - 4]), offset: 8)
                return SegmentVerificationRecord(
                    basePosition: try reader.read(Int64.self), segmentLength: try reader.read(Int64.self),
                    eventCount: try reader.read(Int64.self), lastPosition: try reader.read(Int64.self),
                    lastBatchOffset: try reader.read(Int64.self), headerChecksum: try reader.read(UInt32.self),
                    indexChecksum: try reader.read(UInt32.self), previousChainHash: Array(try reader.readBytes(LogFormat.hashSize)),
                    finalChainHash: Array(try reader.readBytes(LogFormat.hashSize)), verifiedAtMicros: try reader.read(Int64.self)
                )
            }
        }
        return try decoded.get()
    }

    /// The record beside `segmentPath`, or `nil` when there is none or it is damaged (then the
    /// segment is verified in full again and the record rewritten).
    static func load(forSegment segmentPath: String) -> SegmentVerificationRecord? {
        guard let file = try? FileDescriptor.open(path(forSegment: segmentPath), writable: false),
              let bytes = try? file.readAll() else { return nil }
        return try? decode(bytes)
    }

    /// Writes the record atomically: temporary file, fsync, rename, fsync of the directory.
    func write(forSegment segmentPath: String) throws(LogError) {
        try FileDescriptor.writeAtomically(encoded(), to: Self.path(forSegment: segmentPath))
    }
}
