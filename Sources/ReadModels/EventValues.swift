import EventLog
import Foundation
import GRDBSQLite

/// The values of one event computed at most once across the statements that bind them.
struct EventValues {
    private var position: Int64 = -1
    private var cachedEventId = ""
    private var cachedTime = ""
    private var scratch: [UInt8] = []

    mutating func eventId(_ record: RecordedEvent) -> String {
        refresh(record)
        if cachedEventId.isEmpty { cachedEventId = UUIDText.lowercase(record.eventId) }
        return cachedEventId
    }

    mutating func time(_ record: RecordedEvent) -> String {
        refresh(record)
        if cachedTime.isEmpty { cachedTime = ISO8601Micros.format(record.timestampMicros) }
        return cachedTime
    }

    /// Binds the JSON text of the payload's top-level `name` field, NULL when it is missing.
    func bindJSON(_ name: [UInt8], of payload: UnsafeBufferPointer<UInt8>, _ fields: TopLevelJSONFields,
                  to handle: OpaquePointer, at index: Int32) throws {
        guard let range = try Self.field(name, of: payload, fields) else {
            sqlite3_bind_null(handle, index)
            return
        }
        bindStatic(handle, index, payload, range)
    }

    /// Binds the value of the payload's top-level `name` field as `json_extract` would return it,
    /// NULL when it is missing.
    mutating func bindValue(_ name: [UInt8], of payload: UnsafeBufferPointer<UInt8>, _ fields: TopLevelJSONFields,
                            to handle: OpaquePointer, at index: Int32) throws {
        guard let range = try Self.field(name, of: payload, fields) else {
            sqlite3_bind_null(handle, index)
            return
        }
        switch try JSONFieldValue.decode(payload, range, scratch: &scratch) {
        case .null: sqlite3_bind_null(handle, index)
        case .integer(let value): sqlite3_bind_int64(handle, index, value)
        case .real(let value): sqlite3_bind_double(handle, index, value)
        case .slice(let text): bindStatic(handle, index, payload, text)
        case .rewritten:
            // The scratch buffer is reused by the next field: SQLite copies it.
            scratch.withUnsafeBufferPointer { bindCopy(handle, index, $0) }
        }
    }

    /// The range of a top-level field's JSON text (`fields`: the event's, found when it was made).
    private static func field(_ name: [UInt8], of payload: UnsafeBufferPointer<UInt8>, _ fields: TopLevelJSONFields) throws(JSONFieldValue.Malformed) -> Range<Int>? {
        guard fields.isObject else { throw JSONFieldValue.Malformed(description: "malformed JSON: the payload is not a JSON object") }
        return fields.value(of: name, in: payload)
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
