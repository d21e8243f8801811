import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TestSupport

/// `Tests/Tools/otlp-receiver.py` as a child process (the observability venv's Python, which has
/// `opentelemetry-proto`): an OTLP/HTTP trace receiver on loopback writing each span it receives as a
/// JSON line into a file, which the tests wait on with inotify.
final class OTLPReceiver: @unchecked Sendable {
    // @unchecked: one test task drives it; the process handle is set in `start()` before sharing.

    /// One received span.
    struct Span: Sendable {
        var traceID: String
        var spanID: String
        var parentSpanID: String
        var name: String
        /// The resource's `service.name`.
        var service: String
        /// Attribute values as text.
        var attributes: [String: String]
        /// Start and end, nanoseconds since 1970.
        var start: UInt64
        var end: UInt64
        var events: [String]
        /// When each event happened, nanoseconds since 1970.
        var eventTimes: [UInt64]
        /// The spans it links to: trace id and span id (hex).
        var links: [(traceID: String, spanID: String)]
    }

    static let python = ExternalTool.venv("python")
    static let script = ExternalTool.repository + "/Tests/Tools/otlp-receiver.py"

    let directory: String
    private(set) var port = 0
    private var process: Process?
    private var spansFile: String { directory + "/spans.jsonl" }

    init(directory: String) {
        self.directory = directory
    }

    /// The endpoint for `OTEL_EXPORTER_OTLP_ENDPOINT`.
    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Starts the receiver and waits for its "listening on PORT" line.
    func start() async throws {
        let output = directory + "/receiver.txt"
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        _ = FileManager.default.createFile(atPath: spansFile, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python.path)
        process.arguments = [Self.script, spansFile]
        process.standardOutput = FileHandle(forWritingAtPath: output)
        process.standardError = FileHandle(forWritingAtPath: output)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        port = try await offPool {
            try DirectoryWatch.wait(in: self.directory, timeout: .seconds(60)) { () -> Int? in
                let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
                if !process.isRunning { throw ServerFailure(description: "otlp-receiver exited: \(text)") }
                guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) else { return nil }
                return Int(line.dropFirst("listening on ".count))
            }
        }
    }

    /// The spans received so far.
    func spans() -> [Span] {
        let text = (try? String(contentsOfFile: spansFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            func time(_ value: Any?) -> UInt64 { (value as? NSNumber)?.uint64Value ?? 0 }
            let links = (object["links"] as? [[String: Any]] ?? []).map { link in
                (traceID: link["trace_id"] as? String ?? "", spanID: link["span_id"] as? String ?? "")
            }
            return Span(
                traceID: object["trace_id"] as? String ?? "", spanID: object["span_id"] as? String ?? "",
                parentSpanID: object["parent_span_id"] as? String ?? "", name: object["name"] as? String ?? "",
                service: object["service"] as? String ?? "",
                attributes: (object["attributes"] as? [String: Any] ?? [:]).mapValues { "\($0)" },
                start: time(object["start"]), end: time(object["end"]),
                events: object["events"] as? [String] ?? [], eventTimes: (object["event_times"] as? [Any] ?? []).map(time),
                links: links
            )
        }
    }

    /// Waits until the spans received satisfy `done` (the exporter sends a batch every second).
    func wait(until done: @escaping @Sendable ([Span]) -> Bool) async throws -> [Span] {
        try await offPool {
            try DirectoryWatch.wait(in: self.directory, timeout: .seconds(60)) { () -> [Span]? in
                let spans = self.spans()
                return done(spans) ? spans : nil
            }
        }
    }

    /// Ends the receiver (SIGKILL: a child of Foundation's `Process` starts with SIGTERM blocked).
    func stop() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
