import EventLog
import Foundation
import GRDB
import GRDBSQLite

/// Binds an event's values to a prepared handler statement straight through the SQLite C API, by
/// parameter index worked out once per statement: no argument dictionary per event. A top-level
/// field is found by one scan of the payload per event, shared by every build
/// (`TopLevelJSONFields`): `:json_<field>` gets its JSON text, `:p_<field>` its value
/// (`JSONFieldValue`), `:lower_<field>` that value in lowercase. Text taken from the payload is
/// bound without a copy: the statement runs while the payload's bytes are in hand.
final class EventBinder {
    /// What one parameter index takes from the event.
    private enum Source {
        case position, stream, version, type, eventId, time, timeMicros, actor, payload
        /// `:json_<field>`: the field's JSON text (the field's name, in `names`).
        case json(UnsafeBufferPointer<UInt8>)
        /// `:p_<field>`: the field's value.
        case value(UnsafeBufferPointer<UInt8>)
        /// `:lower_<field>`: the field's value in lowercase.
        case lowercase(UnsafeBufferPointer<UInt8>)
    }

    let statement: Statement
    /// The statement as the projection file has it (for error messages).
    let source: ProjectionDefinition.Statement
    private let sources: [(index: Int32, source: Source)]
    /// The field names the parameters read, each in memory of its own that `sources` points
    /// into: an array per name was retained and released at each use (an enum payload of arrays,
    /// or one array per name), for every parameter of every statement a build applies.
    private let names: [UnsafeMutableBufferPointer<UInt8>]

    /// Prepares `statement`'s bindings (its parameters are those the parser allows).
    init(_ statement: Statement, source: ProjectionDefinition.Statement) {
        self.statement = statement
        self.source = source
        let handle = statement.sqliteStatement
        var sources: [(Int32, Source)] = []
        var names: [UnsafeMutableBufferPointer<UInt8>] = []
        func field(_ name: Substring) -> UnsafeBufferPointer<UInt8> {
            let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: name.utf8.count)
            _ = bytes.initialize(from: name.utf8)
            names.append(bytes)
            return UnsafeBufferPointer(bytes)
        }
        let count = sqlite3_bind_parameter_count(handle)
        if count > 0 {
            for index in 1...count {
                guard let cName = sqlite3_bind_parameter_name(handle, index) else { continue }
                let name = String(cString: cName + 1) // drop the ':'
                let source: Source
                switch name {
                case "position": source = .position
                case "stream": source = .stream
                case "version": source = .version
                case "type": source = .type
                case "eventId": source = .eventId
                case "time": source = .time
                case "timeMicros": source = .timeMicros
                case "actor": source = .actor
                case "payload": source = .payload
                default:
                    // `json_<field>`, `lower_<field>` or `p_<field>`, the only other names the
                    // parser lets through.
                    if name.hasPrefix("json_") {
                        source = .json(field(name.dropFirst(5)))
                    } else if name.hasPrefix("lower_") {
                        source = .lowercase(field(name.dropFirst(6)))
                    } else {
                        source = .value(field(name.dropFirst(2)))
                    }
                }
                sources.append((index, source))
            }
        }
        self.sources = sources
        self.names = names
    }

    deinit {
        for name in names { name.deallocate() }
    }

    /// Binds `event` and runs the statement.
    func execute(_ event: ProjectionEvent, _ values: inout EventValues) throws {
        let handle = statement.sqliteStatement
        _ = sqlite3_reset(handle) // also after a failed step: the statement stays usable
        // The record and payload are borrowed from the event, not copied (a copy retains each of
        // their strings and arrays, for every statement of every event).
        func run(_ bytes: UnsafeBufferPointer<UInt8>) throws {
            defer { // no binding outlives the payload's bytes or the lowercase copies, even on a throw
                sqlite3_clear_bindings(handle)
                values.statementDone()
            }
            for index in sources.indices {
                let parameter = sources[index].index
                switch sources[index].source {
                case .position: sqlite3_bind_int64(handle, parameter, event.record.position)
                case .stream: bindText(handle, parameter, event.record.stream)
                case .version: sqlite3_bind_int64(handle, parameter, event.record.streamVersion)
                case .type: bindText(handle, parameter, event.record.type)
                case .eventId: bindText(handle, parameter, values.eventId(event.record))
                case .time: bindText(handle, parameter, values.time(event.record))
                case .timeMicros: sqlite3_bind_int64(handle, parameter, event.record.timestampMicros)
                case .actor:
                    if let actor = event.record.metadata.actor { bindText(handle, parameter, actor) } else { sqlite3_bind_null(handle, parameter) }
                case .payload: bindStatic(handle, parameter, bytes, 0..<bytes.count)
                case .json(let name): try values.bindJSON(name, of: bytes, event.fields, to: handle, at: parameter)
                case .value(let name): try values.bindValue(name, of: bytes, event.fields, to: handle, at: parameter)
                case .lowercase(let name): try values.bindValue(name, of: bytes, event.fields, to: handle, at: parameter, lowercase: true)
                }
            }
            try step(handle)
        }
        try event.payload.withUnsafeBufferPointer(run)
    }

    /// Runs the statement to its end through the C API rather than GRDB's `execute()`, whose
    /// bookkeeping per statement (observers, accessed regions, transaction state) was ~3 % of a
    /// rebuild of the cheaper models and which these statements need not: the parser refuses
    /// those that would begin or end the runner's transaction, and GRDB reads whether a
    /// transaction is open from SQLite itself. A failure throws GRDB's error, code and message.
    private func step(_ handle: OpaquePointer) throws {
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            if code != SQLITE_ROW {
                let connection = sqlite3_db_handle(handle)
                let message = connection.map { String(cString: sqlite3_errmsg($0)) }
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
            }
        }
    }
}

/// SQLite copies the bytes (they are valid only during the call that binds or returns them).
let sqliteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

private func bindText(_ handle: OpaquePointer, _ index: Int32, _ text: String) {
    // Borrowed, not copied into a `var` for `withUTF8`: a copy retains the string's storage, and
    // an event's stream and type are shared by the builds on every core.
    let bound: Void? = text.utf8.withContiguousStorageIfAvailable { bindCopy(handle, index, $0) }
    if bound == nil {
        var text = text
        text.withUTF8 { bindCopy(handle, index, $0) }
    }
}

/// Binds `bytes` as TEXT, copied by SQLite (for bytes that do not outlive the call).
func bindCopy(_ handle: OpaquePointer, _ index: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
    if let base = bytes.baseAddress, !bytes.isEmpty {
        _ = sqlite3_bind_text(handle, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count), sqliteTransient)
    } else {
        _ = sqlite3_bind_text(handle, index, "", 0, sqliteTransient)
    }
}

/// Binds `bytes[range]` as TEXT without a copy: valid until the statement is reset or rebound.
func bindStatic(_ handle: OpaquePointer, _ index: Int32, _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
    guard !range.isEmpty, let base = bytes.baseAddress else {
        _ = sqlite3_bind_text(handle, index, "", 0, sqliteTransient)
        return
    }
    let text = UnsafeRawPointer(base + range.lowerBound).assumingMemoryBound(to: CChar.self)
    _ = sqlite3_bind_text(handle, index, text, Int32(range.count), nil) // nil: SQLITE_STATIC
}
