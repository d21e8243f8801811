import ArgumentParser
import EventLog
import Foundation

/// `protalent replay`: the audit trail, one event per line.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Print the audit trail (readable while the server runs).",
        discussion: "jsonl prints one JSON object per event: position, stream, version, type, id, time, metadata, payload (as JSON when it is JSON, else base64 under payloadBase64)."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case jsonl, table }

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "Only this stream.") var stream: String?
    @Option(help: "Only this event type.") var type: String?
    @Option(name: .customLong("from-position"), help: "Start at this global position.") var fromPosition: Int64 = 1
    @Option(help: "Only events at or after this time (ISO 8601, e.g. 2026-11-24T18:00:00Z).") var since: String?
    @Option(help: "Only events before this time (ISO 8601).") var until: String?
    @Option(help: "jsonl or table.") var format: Format = .jsonl

    func validate() throws {
        if let since, Self.parseDate(since) == nil { throw ValidationError("--since '\(since)' is not an ISO 8601 time such as 2026-11-24T18:00:00Z") }
        if let until, Self.parseDate(until) == nil { throw ValidationError("--until '\(until)' is not an ISO 8601 time such as 2026-11-24T18:00:00Z") }
        if fromPosition < 1 { throw ValidationError("--from-position starts at 1") }
    }

    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    func run() throws {
        let log = try EventLog.openReadOnly(directory: data.logDirectory)
        let sinceMicros = since.flatMap(Self.parseDate).map { Int64($0.timeIntervalSince1970 * 1_000_000) } ?? .min
        let untilMicros = until.flatMap(Self.parseDate).map { Int64($0.timeIntervalSince1970 * 1_000_000) } ?? .max
        let output = FileHandle.standardOutput
        var buffer = ""
        if format == .table {
            buffer += pad("POSITION", 10) + pad("TIME", 28) + pad("STREAM", 44) + pad("VERSION", 8) + pad("TYPE", 40) + "ACTOR\n"
        }
        func emit(_ event: RecordedEvent) {
            guard event.timestampMicros >= sinceMicros, event.timestampMicros < untilMicros else { return }
            if let type, event.type != type { return }
            switch format {
            case .jsonl: buffer += AuditLine.json(event) + "\n"
            case .table:
                buffer += pad(String(event.position), 10) + pad(AuditLine.time(event.timestampMicros), 28) + pad(event.stream, 44)
                    + pad(String(event.streamVersion), 8) + pad(event.type, 40) + (event.metadata.actor ?? "-") + "\n"
            }
            if buffer.utf8.count > 1 << 16 {
                output.write(Data(buffer.utf8))
                buffer = ""
            }
        }
        if let stream {
            for event in try log.readStream(stream) where event.position >= fromPosition { emit(event) }
        } else {
            var next = fromPosition
            while true {
                let chunk = try log.read(from: next, maxCount: 4_096, caching: false)
                guard let last = chunk.last else { break }
                chunk.forEach(emit)
                next = last.position + 1
            }
        }
        output.write(Data(buffer.utf8))
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}

/// The JSON shape of one audit-trail entry.
enum AuditLine {
    static func time(_ micros: Int64) -> String { ISO8601Micros.format(micros) }

    static func json(_ event: RecordedEvent) -> String {
        var object: [String: Any] = [
            "position": event.position, "stream": event.stream, "version": event.streamVersion,
            "type": event.type, "id": event.eventId.uuidString.lowercased(), "time": time(event.timestampMicros),
        ]
        var metadata: [String: Any] = [:]
        if let id = event.metadata.correlationId { metadata["correlationId"] = id.uuidString.lowercased() }
        if let id = event.metadata.causationId { metadata["causationId"] = id.uuidString.lowercased() }
        if let actor = event.metadata.actor { metadata["actor"] = actor }
        if let trace = event.metadata.trace { metadata["traceparent"] = trace.description }
        object["metadata"] = metadata
        if let payload = try? JSONSerialization.jsonObject(with: Data(event.payload), options: [.fragmentsAllowed]) {
            object["payload"] = payload
        } else {
            object["payloadBase64"] = Data(event.payload).base64EncodedString()
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
