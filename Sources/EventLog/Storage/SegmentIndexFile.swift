import Foundation

/// The persisted index of one sealed segment (`<base>.idx` beside `<base>.seg`): where each batch
/// starts, and each record's event id, stream and version. With it, opening a log reads a few bytes
/// per event instead of decompressing every segment.
///
/// ```
/// 0   8  magic "PTIDX001"
/// 8   8  segment base position
/// 16  8  segment length in bytes (the index is stale unless the segment has exactly this length)
/// 24  32 chain hash after the segment's last batch
/// 56  4  batch count B
/// 60  4  record count R
/// 64  4  stream count S
/// then B × (8 first position, 8 byte offset, 4 record count, 4 total batch size, 4 raw payload length)
/// then S × (2 name length, UTF-8 name)
/// then R × (16 event id, 8 stream version, 4 stream number)
/// last 4  CRC-32C of everything before
/// ```
/// An index is derived data: a missing, stale or damaged one is rebuilt from its segment.
struct SegmentIndexFile: Equatable {
    struct Batch: Equatable {
        var firstPosition: Int64
        var offset: Int64
        var count: UInt32
        var size: UInt32
        var rawLength: UInt32
    }

    struct Record: Equatable {
        var eventId: UUID
        var streamVersion: Int64
        var stream: UInt32
    }

    static let magic: [UInt8] = Array("PTIDX001".utf8)

    var basePosition: Int64
    var segmentLength: Int64
    var finalChainHash: [UInt8]
    var batches: [Batch] = []
    var streams: [String] = []
    var records: [Record] = []
    private var streamNumbers: [String: UInt32] = [:]

    init(basePosition: Int64, segmentLength: Int64 = 0, finalChainHash: [UInt8] = LogFormat.zeroHash) {
        self.basePosition = basePosition
        self.segmentLength = segmentLength
        self.finalChainHash = finalChainHash
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.basePosition == rhs.basePosition && lhs.segmentLength == rhs.segmentLength
            && lhs.finalChainHash == rhs.finalChainHash && lhs.batches == rhs.batches
            && lhs.streams == rhs.streams && lhs.records == rhs.records
    }

    /// Adds a batch and its records, in log order.
    mutating func add(batchAt offset: Int, header: BatchHeader, records: some Sequence<(UUID, String, Int64)>) {
        batches.append(Batch(
            firstPosition: header.firstPosition, offset: Int64(offset), count: header.recordCount,
            size: UInt32(header.totalSize), rawLength: header.rawLength
        ))
        for (eventId, stream, version) in records {
            let number: UInt32
            if let known = streamNumbers[stream] {
                number = known
            } else {
                number = UInt32(streams.count)
                streams.append(stream)
                streamNumbers[stream] = number
            }
            self.records.append(Record(eventId: eventId, streamVersion: version, stream: number))
        }
        segmentLength = Int64(offset + header.totalSize)
        finalChainHash = header.chainHash
    }

    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: 72 + batches.count * 28 + records.count * 28 + streams.count * 24)
        writer.write(Self.magic)
        writer.write(basePosition)
        writer.write(segmentLength)
        writer.write(finalChainHash)
        writer.write(UInt32(batches.count))
        writer.write(UInt32(records.count))
        writer.write(UInt32(streams.count))
        for batch in batches {
            writer.write(batch.firstPosition)
            writer.write(batch.offset)
            writer.write(batch.count)
            writer.write(batch.size)
            writer.write(batch.rawLength)
        }
        for stream in streams {
            writer.write(UInt16(stream.utf8.count))
            writer.write(stream.utf8)
        }
        for record in records {
            writer.write(uuid: record.eventId.uuid)
            writer.write(record.streamVersion)
            writer.write(record.stream)
        }
        writer.write(CRC32C.checksum(writer.bytes))
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(FormatError) -> SegmentIndexFile {
        guard bytes.count >= 72, Array(bytes[0..<8]) == magic else { throw FormatError("not a segment index") }
        let stored = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: bytes.count - 4, as: UInt32.self) }
        let computed = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<bytes.count - 4])) }
        guard UInt32(littleEndian: stored) == computed else { throw FormatError("segment index checksum mismatch") }
        let decoded = bytes.withUnsafeBytes { raw in
            Result { () throws(FormatError) -> SegmentIndexFile in
                var reader = ByteReader(UnsafeRawBufferPointer(rebasing: raw[0..<raw.count - 4]), offset: 8)
                var index = SegmentIndexFile(
                    basePosition: try reader.read(Int64.self), segmentLength: try reader.read(Int64.self),
                    finalChainHash: Array(try reader.readBytes(LogFormat.hashSize))
                )
                let batchCount = Int(try reader.read(UInt32.self))
                let recordCount = Int(try reader.read(UInt32.self))
                let streamCount = Int(try reader.read(UInt32.self))
                guard batchCount * 28 + recordCount * 28 + streamCount * 2 <= reader.remaining else {
                    throw FormatError("segment index counts exceed its size")
                }
                index.batches.reserveCapacity(batchCount)
                for _ in 0..<batchCount {
                    index.batches.append(Batch(
                        firstPosition: try reader.read(Int64.self), offset: try reader.read(Int64.self),
                        count: try reader.read(UInt32.self), size: try reader.read(UInt32.self),
                        rawLength: try reader.read(UInt32.self)
                    ))
                }
                index.streams.reserveCapacity(streamCount)
                for _ in 0..<streamCount {
                    index.streams.append(try reader.readString(length: Int(try reader.read(UInt16.self))))
                }
                index.records.reserveCapacity(recordCount)
                for _ in 0..<recordCount {
                    let id = UUID(uuid: try reader.readBytes(16).loadUnaligned(as: uuid_t.self))
                    let version = try reader.read(Int64.self)
                    let stream = try reader.read(UInt32.self)
                    guard Int(stream) < streamCount else { throw FormatError("segment index names stream \(stream) of \(streamCount)") }
                    index.records.append(Record(eventId: id, streamVersion: version, stream: stream))
                }
                guard reader.remaining == 0 else { throw FormatError("segment index has trailing bytes") }
                return index
            }
        }
        return try decoded.get()
    }

    /// Writes the index atomically (temporary file, fsync, rename); returns the bytes written.
    @discardableResult
    func write(to path: String) throws(LogError) -> [UInt8] {
        let temporary = path + ".tmp"
        let bytes = encoded()
        let file = try FileDescriptor.open(temporary, writable: true, create: true)
        try file.truncate(to: 0)
        try file.write(bytes, at: 0)
        try file.sync()
        guard rename(temporary, path) == 0 else { throw LogError.io("rename", path: temporary, errno: errno) }
        return bytes
    }
}
