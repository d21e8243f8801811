import EventLog
import Foundation
import GRDBSQLite

/// The values of one event computed at most once across the statements that bind them.
struct EventValues {
    private var position: Int64 = -1
    private var cachedEventId = ""
    private var cachedTime = ""
    private var fieldsPosition: Int64 = -1
    private var fields = TopLevelJSONFields()

    mutating func eventId(_ record: RecordedEvent) -> String {
        refresh(record)
        if cachedEventId.isEmpty { cachedEventId = record.eventId.uuidString.lowercased() }
        return cachedEventId
    }

    mutating func time(_ record: RecordedEvent) -> String {
        refresh(record)
        if cachedTime.isEmpty { cachedTime = ISO8601Micros.format(record.timestampMicros) }
        return cachedTime
    }

    /// Binds the JSON text of the payload's top-level `name` field, NULL when it is missing; the
    /// whole payload when it is not a JSON object, so that `json_extract` reports it malformed.
    mutating func bindField(_ name: [UInt8], of payload: String, to handle: OpaquePointer, at index: Int32) {
        var payload = payload
        payload.withUTF8 { bytes in
            if fieldsPosition != position || position < 0 {
                fields.scan(bytes)
                fieldsPosition = position
            }
            guard let base = bytes.baseAddress.map({ UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }) else {
                _ = sqlite3_bind_text(handle, index, "", 0, sqliteTransient) // empty: malformed for json_extract
                return
            }
            guard fields.isObject else {
                _ = sqlite3_bind_text(handle, index, base, Int32(bytes.count), sqliteTransient)
                return
            }
            guard let range = fields.value(of: name, in: bytes) else {
                sqlite3_bind_null(handle, index)
                return
            }
            _ = sqlite3_bind_text(handle, index, base + range.lowerBound, Int32(range.count), sqliteTransient)
        }
    }

    private mutating func refresh(_ record: RecordedEvent) {
        guard record.position != position else { return }
        position = record.position
        cachedEventId = ""
        cachedTime = ""
    }

    /// Starts a new event (the cached values belong to the previous one).
    mutating func reset(for record: RecordedEvent) {
        refresh(record)
    }
}
