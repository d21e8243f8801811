/// Constants and fixed layouts of the on-disk format (`docs/log-format.md` is the prose version).
enum LogFormat {
    /// The newest format version this code reads and writes. Readers accept every version up to it.
    /// Version 2 adds codec 2 (LZ4 with the log's dictionary); a version-1 segment never holds it.
    static let version: UInt16 = 2

    /// The version of the segments a writer creates: 2 in a log with a dictionary, else 1, so a
    /// log without one stays readable by version-1 readers.
    static func version(dictionary: LogDictionary?) -> UInt16 { dictionary == nil ? 1 : 2 }

    static let segmentMagic: [UInt8] = Array("PROTALOG".utf8)
    static let segmentHeaderSize = 64
    static let segmentExtension = "seg"
    static let indexExtension = "idx"

    static let batchMagic: UInt32 = 0x3142_5450 // "PTB1" read as little-endian bytes
    static let batchHeaderSize = 64
    /// The largest raw (uncompressed) batch payload: an append larger than this is refused.
    static let maxBatchRawBytes = 64 << 20

    static let hashSize = 32
    static let zeroHash = [UInt8](repeating: 0, count: hashSize)

    /// File name of a segment starting at `basePosition`: 20 digits so names sort like positions.
    static func segmentFileName(basePosition: Int64) -> String {
        let digits = String(basePosition)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + "." + segmentExtension
    }
}

/// Codec of a batch payload: raw, LZ4 block, or LZ4 block against the log's dictionary.
enum BatchCodec: UInt8 {
    case none = 0
    case lz4Block = 1
    /// Since format version 2: the header's reserved field carries the dictionary's tag.
    case lz4Dictionary = 2
}

/// The 64-byte header at the start of every segment file.
///
/// ```
/// 0   8  magic "PROTALOG"
/// 8   2  format version
/// 10  2  header size (64)
/// 12  4  flags (0)
/// 16  8  base position (first global position stored in the segment)
/// 24  32 chain hash at the end of the previous segment (zeros for the first)
/// 56  4  reserved (0)
/// 60  4  CRC-32C of bytes 0..<60
/// ```
struct SegmentHeader: Equatable {
    var formatVersion: UInt16
    var basePosition: Int64
    var previousChainHash: [UInt8]

    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: LogFormat.segmentHeaderSize)
        writer.write(LogFormat.segmentMagic)
        writer.write(formatVersion)
        writer.write(UInt16(LogFormat.segmentHeaderSize))
        writer.write(UInt32(0))
        writer.write(basePosition)
        writer.write(previousChainHash)
        writer.write(UInt32(0))
        writer.write(CRC32C.checksum(writer.bytes))
        return writer.bytes
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) throws(FormatError) -> SegmentHeader {
        guard bytes.count >= LogFormat.segmentHeaderSize else {
            throw FormatError("segment header truncated: \(bytes.count) of \(LogFormat.segmentHeaderSize) bytes")
        }
        guard Array(bytes[0..<8]) == LogFormat.segmentMagic else { throw FormatError("not a ProTalent segment (bad magic)") }
        var reader = ByteReader(bytes, offset: 8)
        let version = try reader.read(UInt16.self)
        let headerSize = try reader.read(UInt16.self)
        _ = try reader.read(UInt32.self)
        let base = try reader.read(Int64.self)
        let previous = Array(try reader.readBytes(LogFormat.hashSize))
        _ = try reader.read(UInt32.self)
        let storedCRC = try reader.read(UInt32.self)
        let computed = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<60]))
        guard storedCRC == computed else { throw FormatError("segment header checksum mismatch") }
        guard version >= 1, version <= LogFormat.version else {
            throw FormatError("segment format version \(version) is newer than this build reads (\(LogFormat.version))")
        }
        guard headerSize == UInt16(LogFormat.segmentHeaderSize) else { throw FormatError("unexpected segment header size \(headerSize)") }
        guard base >= 1 else { throw FormatError("invalid base position \(base)") }
        return SegmentHeader(formatVersion: version, basePosition: base, previousChainHash: previous)
    }
}

/// The 64-byte header in front of every batch.
///
/// ```
/// 0   4  magic "PTB1"
/// 4   4  stored length (payload bytes that follow the header)
/// 8   4  raw length (payload bytes after decompression)
/// 12  1  codec (0 raw, 1 LZ4 block, 2 LZ4 block with the log's dictionary)
/// 13  1  flags (0)
/// 14  2  dictionary tag with codec 2 (`LogDictionary.tag`), else reserved (0)
/// 16  8  first position
/// 24  4  record count
/// 28  4  CRC-32C of header bytes 0..<28, header bytes 32..<64, then the stored payload
/// 32  32 chain hash = SHA-256(previous chain hash ‖ header bytes 0..<28 ‖ stored payload)
/// ```
struct BatchHeader: Equatable {
    var storedLength: UInt32
    var rawLength: UInt32
    var codec: BatchCodec
    /// The dictionary's tag when `codec` is `.lz4Dictionary`, else 0.
    var dictionaryTag: UInt16 = 0
    var firstPosition: Int64
    var recordCount: UInt32
    var checksum: UInt32
    var chainHash: [UInt8]

    var lastPosition: Int64 { firstPosition + Int64(recordCount) - 1 }
    var totalSize: Int { LogFormat.batchHeaderSize + Int(storedLength) }

    /// The first 28 bytes, which both the checksum and the chain hash cover.
    func prefix() -> [UInt8] {
        var writer = ByteWriter(capacity: 28)
        writer.write(LogFormat.batchMagic)
        writer.write(storedLength)
        writer.write(rawLength)
        writer.write(codec.rawValue)
        writer.write(UInt8(0))
        writer.write(dictionaryTag)
        writer.write(firstPosition)
        writer.write(recordCount)
        return writer.bytes
    }

    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: LogFormat.batchHeaderSize)
        writer.write(prefix())
        writer.write(checksum)
        writer.write(chainHash)
        return writer.bytes
    }

    /// Decodes the header fields; checksum and chain are checked by the caller, who has the payload.
    static func decode(_ bytes: UnsafeRawBufferPointer) throws(FormatError) -> BatchHeader {
        guard bytes.count >= LogFormat.batchHeaderSize else {
            throw FormatError("batch header truncated: \(bytes.count) of \(LogFormat.batchHeaderSize) bytes")
        }
        var reader = ByteReader(bytes)
        guard try reader.read(UInt32.self) == LogFormat.batchMagic else { throw FormatError("bad batch magic") }
        let stored = try reader.read(UInt32.self)
        let raw = try reader.read(UInt32.self)
        let codecByte = try reader.read(UInt8.self)
        let flags = try reader.read(UInt8.self)
        let reserved = try reader.read(UInt16.self)
        guard flags == 0, reserved == 0 || codecByte == BatchCodec.lz4Dictionary.rawValue else {
            throw FormatError("unknown batch flags \(flags) or reserved bits \(reserved)")
        }
        let first = try reader.read(Int64.self)
        let count = try reader.read(UInt32.self)
        let checksum = try reader.read(UInt32.self)
        let chain = Array(try reader.readBytes(LogFormat.hashSize))
        guard let codec = BatchCodec(rawValue: codecByte) else { throw FormatError("unknown batch codec \(codecByte)") }
        guard Int(raw) <= LogFormat.maxBatchRawBytes, Int(stored) <= LogFormat.maxBatchRawBytes + 1024 else {
            throw FormatError("implausible batch lengths (stored \(stored), raw \(raw))")
        }
        guard count > 0, first >= 1 else { throw FormatError("invalid batch position range (first \(first), count \(count))") }
        return BatchHeader(
            storedLength: stored, rawLength: raw, codec: codec, dictionaryTag: reserved, firstPosition: first,
            recordCount: count, checksum: checksum, chainHash: chain
        )
    }

    /// The checksum of a header (its bytes 0..<28 and 32..<64) and stored payload.
    static func computeChecksum(prefix: [UInt8], chainHash: [UInt8], payload: UnsafeRawBufferPointer) -> UInt32 {
        var crc = prefix.withUnsafeBytes { CRC32C.update(0, $0) }
        crc = chainHash.withUnsafeBytes { CRC32C.update(crc, $0) }
        return CRC32C.update(crc, payload)
    }
}
