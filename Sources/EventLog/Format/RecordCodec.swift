import Foundation

/// Encodes and decodes the records inside a batch's raw payload.
///
/// ```
/// 0   4  record length (bytes after this field)
/// 4   8  stream version
/// 12  8  timestamp, microseconds since 1970
/// 20  16 event id
/// 36  1  flags: bit 0 correlation id, bit 1 causation id, bit 2 actor, bit 3 trace context
///        [16 correlation id] [16 causation id]       when flagged
///        [16 trace id, 8 span id, 1 trace flags]     when flagged (big-endian, as in `traceparent`)
///     2  stream name length, then UTF-8 bytes
///     2  type name length, then UTF-8 bytes
///        [2 actor length, then UTF-8 bytes]          when flagged
///     4  payload length, then payload bytes
/// ```
/// A record's position is the batch's first position plus its index in the batch.
enum RecordCodec {
    static let maxNameBytes = Int(UInt16.max)

    static func append(
        _ event: ProposedEvent, stream: String, version: Int64, timestampMicros: Int64, to writer: inout ByteWriter
    ) {
        let start = writer.bytes.count
        writer.write(UInt32(0)) // patched below
        writer.write(version)
        writer.write(timestampMicros)
        writer.write(uuid: event.eventId.uuid)
        var flags: UInt8 = 0
        if event.metadata.correlationId != nil { flags |= 1 }
        if event.metadata.causationId != nil { flags |= 2 }
        if event.metadata.actor != nil { flags |= 4 }
        if event.metadata.trace != nil { flags |= 8 }
        writer.write(flags)
        if let id = event.metadata.correlationId { writer.write(uuid: id.uuid) }
        if let id = event.metadata.causationId { writer.write(uuid: id.uuid) }
        if let trace = event.metadata.trace {
            writer.write(bigEndian: trace.traceID)
            writer.write(bigEndian: trace.spanID)
            writer.write(trace.flags)
        }
        writeShortString(stream, to: &writer)
        writeShortString(event.type, to: &writer)
        if let actor = event.metadata.actor { writeShortString(actor, to: &writer) }
        writer.write(UInt32(event.payload.count))
        writer.write(event.payload)
        writer.patch(UInt32(writer.bytes.count - start - 4), at: start)
    }

    private static func writeShortString(_ string: String, to writer: inout ByteWriter) {
        let utf8 = string.utf8
        writer.write(UInt16(utf8.count))
        writer.write(utf8)
    }

    /// Decodes `count` records starting at `firstPosition`.
    static func decode(
        _ raw: UnsafeRawBufferPointer, firstPosition: Int64, count: Int
    ) throws(FormatError) -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        try decode(raw, firstPosition: firstPosition, count: count, into: &events)
        return events
    }

    /// Decodes `count` records starting at `firstPosition` onto the end of `events` (made there,
    /// not copied there from an array of their own).
    static func decode(
        _ raw: UnsafeRawBufferPointer, firstPosition: Int64, count: Int, into events: inout [RecordedEvent]
    ) throws(FormatError) {
        var reader = ByteReader(raw)
        events.reserveCapacity(events.count + count)
        for index in 0..<count {
            let length = Int(try reader.read(UInt32.self))
            let body = try reader.readBytes(length)
            var record = ByteReader(body)
            let version = try record.read(Int64.self)
            let timestamp = try record.read(Int64.self)
            let eventId = try readUUID(&record)
            let flags = try record.read(UInt8.self)
            guard flags & ~0b1111 == 0 else { throw FormatError("unknown record flags \(flags) in record \(index)") }
            let correlation = flags & 1 != 0 ? try readUUID(&record) : nil
            let causation = flags & 2 != 0 ? try readUUID(&record) : nil
            let trace = flags & 8 != 0 ? try readTrace(&record, index: index) : nil
            let stream = try record.readString(length: Int(try record.read(UInt16.self)))
            let type = try record.readString(length: Int(try record.read(UInt16.self)))
            let actor = flags & 4 != 0 ? try record.readString(length: Int(try record.read(UInt16.self))) : nil
            let payloadLength = Int(try record.read(UInt32.self))
            let payload = Array(try record.readBytes(payloadLength))
            guard record.remaining == 0 else { throw FormatError("record \(index) has \(record.remaining) trailing bytes") }
            events.append(RecordedEvent(
                position: firstPosition + Int64(index), stream: stream, streamVersion: version, type: type,
                eventId: eventId, timestampMicros: timestamp,
                metadata: EventMetadata(correlationId: correlation, causationId: causation, actor: actor, trace: trace),
                payload: payload
            ))
        }
        guard reader.remaining == 0 else { throw FormatError("batch payload has \(reader.remaining) bytes after its last record") }
    }

    private static func readTrace(_ reader: inout ByteReader, index: Int) throws(FormatError) -> TraceParent {
        let traceID = try reader.read(bigEndian: UInt128.self)
        let spanID = try reader.read(bigEndian: UInt64.self)
        guard let trace = TraceParent(traceID: traceID, spanID: spanID, flags: try reader.read(UInt8.self)) else {
            throw FormatError("record \(index) has a trace context with a zero id")
        }
        return trace
    }

    private static func readUUID(_ reader: inout ByteReader) throws(FormatError) -> UUID {
        let bytes = try reader.readBytes(16)
        return UUID(uuid: bytes.loadUnaligned(as: uuid_t.self))
    }
}
