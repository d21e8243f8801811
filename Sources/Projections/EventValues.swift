import EventLog
import Foundation
import GRDBSQLite

/// The values of one event computed at most once across the statements that bind them.
struct EventValues {
    private var position: Int64 = -1
    private var cachedEventId = ""
    private var cachedTime = ""
    private var scratch: [UInt8] = []
    private let lowered = LowercaseArena(capacity: 1_024)

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
    func bindJSON(_ name: UnsafeBufferPointer<UInt8>, of payload: UnsafeBufferPointer<UInt8>, _ fields: TopLevelJSONFields,
                  to handle: OpaquePointer, at index: Int32) throws {
        guard let range = try Self.field(name, of: payload, fields) else {
            sqlite3_bind_null(handle, index)
            return
        }
        bindStatic(handle, index, payload, range)
    }

    /// Binds the value of the payload's top-level `name` field as `json_extract` would return it,
    /// NULL when it is missing. `lowercase`: text (a string, or an object's or array's JSON text)
    /// with ASCII capitals made lowercase, as `lower()` would give it; a number is bound the same.
    mutating func bindValue(_ name: UnsafeBufferPointer<UInt8>, of payload: UnsafeBufferPointer<UInt8>, _ fields: TopLevelJSONFields,
                            to handle: OpaquePointer, at index: Int32, lowercase: Bool = false) throws {
        guard let range = try Self.field(name, of: payload, fields) else {
            sqlite3_bind_null(handle, index)
            return
        }
        switch try JSONFieldValue.decode(payload, range, scratch: &scratch) {
        case .null: sqlite3_bind_null(handle, index)
        case .integer(let value): sqlite3_bind_int64(handle, index, value)
        case .real(let value): sqlite3_bind_double(handle, index, value)
        case .slice(let text):
            if !lowercase {
                bindStatic(handle, index, payload, text)
            } else if let copy = lowered.lowercased(UnsafeBufferPointer(rebasing: payload[text])) {
                bindStatic(handle, index, copy, 0..<copy.count)
            } else { // the statement's room is used up: SQLite copies it
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: payload[text])
                Self.lowercase(&scratch)
                scratch.withUnsafeBufferPointer { bindCopy(handle, index, $0) }
            }
        case .rewritten:
            if lowercase { Self.lowercase(&scratch) }
            // The scratch buffer is reused by the next field: SQLite copies it.
            scratch.withUnsafeBufferPointer { bindCopy(handle, index, $0) }
        }
    }

    /// Frees the lowercase copies of the statement just run (its bindings are cleared).
    func statementDone() {
        lowered.used = 0
    }

    private static func lowercase(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBufferPointer { bytes in
            for index in bytes.indices { bytes[index] = LowercaseArena.lower(bytes[index]) }
        }
    }

    /// The range of a top-level field's JSON text (`fields`: the event's, found when it was made).
    private static func field(_ name: UnsafeBufferPointer<UInt8>, of payload: UnsafeBufferPointer<UInt8>, _ fields: TopLevelJSONFields) throws(JSONFieldValue.Malformed) -> Range<Int>? {
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

/// Room for the lowercase copies of one statement's `:lower_<field>` values, bound without a
/// further copy (`SQLITE_STATIC`) until the statement's bindings are cleared. SQLite's `lower()`
/// on every id cost a function call and an allocation each (docs/performance.md, "Lowercase arena").
final class LowercaseArena {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    /// Bytes handed out since the last statement.
    var used = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// A lowercase copy of `text` valid until `used` is reset; `nil` when the arena is full.
    func lowercased(_ text: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        guard text.count <= capacity - used else { return nil }
        let start = base + used
        for index in 0..<text.count { start[index] = Self.lower(text[index]) }
        used += text.count
        return UnsafeBufferPointer(start: start, count: text.count)
    }

    /// `byte` with an ASCII capital made lowercase, as SQLite's `lower()` does without ICU.
    @inline(__always) static func lower(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }
}
