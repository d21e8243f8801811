import Foundation

/// A log's LZ4 dictionary: bytes that every batch compressed with codec 2 may refer back to, so a
/// batch of one or a few events finds the field names, type names and common values it repeats
/// without having to carry them once itself (docs/log-format.md, "Dictionary").
///
/// A log has at most one, stored durably beside its segments (`lz4.dict`) the first time a writer
/// opens the log with one in its options; from then on the stored file is the log's dictionary,
/// whatever later options say. Batches name it by the low 16 bits of its checksum (`tag`), so a
/// batch read with another dictionary is refused instead of decoded into wrong bytes.
public struct LogDictionary: Sendable, Equatable {
    /// LZ4 refers back at most 64 KiB: a longer dictionary keeps its last 64 KiB.
    public static let maxBytes = 64 << 10

    /// The dictionary's content.
    public let bytes: [UInt8]
    /// CRC-32C of `bytes`.
    public let checksum: UInt32

    /// The 16 bits a codec-2 batch header carries to name the dictionary it was compressed with.
    public var tag: UInt16 { UInt16(truncatingIfNeeded: checksum ^ (checksum >> 16)) }

    /// A dictionary of `bytes` (their last 64 KiB when longer).
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes.count > Self.maxBytes ? Array(bytes.suffix(Self.maxBytes)) : bytes
        checksum = CRC32C.checksum(self.bytes)
    }

    /// An event of the kind the log will hold, for `init(samples:)`.
    public struct Sample: Sendable {
        /// Its stream's name.
        public var stream: String
        /// Its type name.
        public var type: String
        /// Its metadata's actor, if it has one.
        public var actor: String?
        /// Its payload.
        public var payload: [UInt8]

        /// A sample event.
        public init(stream: String, type: String, actor: String? = nil, payload: [UInt8]) {
            self.stream = stream
            self.type = type
            self.actor = actor
            self.payload = payload
        }
    }

    /// A dictionary made of sample events encoded as the log encodes records, so it holds the
    /// schema (field names, type names, common values) in the very byte layout batches repeat.
    /// Later samples sit nearer the end and survive the 64 KiB cut: put the most typical last.
    public init(samples: [Sample]) {
        var writer = ByteWriter(capacity: Self.maxBytes)
        for (number, sample) in samples.enumerated() {
            // Ids and versions are random or growing in real records: zeros keep the layout
            // without wasting dictionary room on values that never repeat.
            let zero = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
            let event = ProposedEvent(
                eventId: zero, type: sample.type,
                metadata: EventMetadata(correlationId: zero, actor: sample.actor), payload: sample.payload
            )
            RecordCodec.append(event, stream: sample.stream, version: Int64(number % 8 + 1), timestampMicros: 0, to: &writer)
        }
        self.init(writer.bytes)
    }
}
