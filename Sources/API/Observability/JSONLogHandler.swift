public import Logging
import Foundation
import Synchronization

/// `PROTALENT_LOG_FORMAT=json`: one JSON object per line on standard error, for log collectors.
///
/// Each line has `time` (RFC 3339, UTC, milliseconds), `level`, `message`, `logger` (the label), the
/// request's `request_id` when logged while serving one, `trace_id` and `span_id` when tracing is on,
/// and the rest of the metadata as further fields. Secrets and personal fields never reach the line
/// (``LogScrubbing``).
public struct JSONLogHandler: LogHandler {
    /// The handler's own metadata (merged under the provider's and the call's).
    public var metadata: Logger.Metadata = [:]
    /// The lowest level written.
    public var logLevel: Logger.Level = .info
    /// Adds task-local metadata (the trace and span ids) to each line.
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let sink: @Sendable (String) -> Void

    /// A handler for the logger `label`, writing each line with `sink` (standard error by default).
    public init(
        label: String, metadataProvider: Logger.MetadataProvider? = nil,
        sink: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError
    ) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.sink = sink
    }

    /// The handler's metadata value for `key`.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Renders `event` as one line and writes it.
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let own = event.metadata { merged.merge(own) { $1 } }
        sink(Self.line(time: Date(), level: event.level, message: event.message.description, label: label, metadata: merged))
    }

    /// Writes a line to standard error in one `write` (lines from concurrent tasks never interleave).
    public static let standardError: @Sendable (String) -> Void = { line in
        writeLock.withLock { _ in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    private static let writeLock = Mutex(())

    /// Metadata keys renamed to the line's fixed fields (Hummingbird's request id, OTel's ids).
    static let renamed = ["hb.request.id": "request_id", "trace_id": "trace_id", "span_id": "span_id"]
    static let fixedFields: Set<String> = ["time", "level", "message", "logger"]

    /// The JSON object of one log line, keys in a fixed order: the fixed fields, then the metadata sorted.
    static func line(time: Date, level: Logger.Level, message: String, label: String, metadata: Logger.Metadata) -> String {
        var out = "{\"time\":"
        appendString(Self.timestamp(time), to: &out)
        out += ",\"level\":"
        appendString(level.rawValue, to: &out)
        out += ",\"message\":"
        appendString(LogScrubbing.scrub(message), to: &out)
        out += ",\"logger\":"
        appendString(label, to: &out)
        for key in metadata.keys.sorted() {
            guard let value = metadata[key] else { continue }
            var name = renamed[key] ?? key
            if fixedFields.contains(name) { name = "meta." + name }
            out += ","
            appendString(name, to: &out)
            out += ":"
            if LogScrubbing.isSensitive(key: key) {
                appendString(LogScrubbing.redacted, to: &out)
            } else {
                appendValue(value, to: &out)
            }
        }
        out += "}"
        return out
    }

    private static func appendValue(_ value: Logger.Metadata.Value, to out: inout String) {
        switch value {
        case .string(let text):
            appendString(LogScrubbing.scrub(text), to: &out)
        case .stringConvertible(let convertible):
            appendString(LogScrubbing.scrub(convertible.description), to: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                appendValue(item, to: &out)
            }
            out += "]"
        case .dictionary(let fields):
            out += "{"
            for (index, key) in fields.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                appendString(key, to: &out)
                out += ":"
                if LogScrubbing.isSensitive(key: key) {
                    appendString(LogScrubbing.redacted, to: &out)
                } else if let field = fields[key] {
                    appendValue(field, to: &out)
                }
            }
            out += "}"
        }
    }

    /// A JSON string literal (RFC 8259 escapes; control characters as `\u00XX`).
    private static func appendString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// `2026-12-07T22:46:55.123Z`.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
