import Foundation
import Glibc

/// One `protalent serve` child of the cluster bench: this very binary, on loopback, on a port the
/// kernel picks, with its stdout and stderr in files beside its data directory.
final class NodeProcess: @unchecked Sendable {
    // @unchecked: the bench drives each node from one task at a time.

    /// The node's data directory.
    let dataDirectory: String
    /// `serve`'s arguments beyond the data directory and port.
    var arguments: [String]
    let environment: [String: String]
    private var process: Process?
    private var starts = 0
    /// The port of the running instance.
    private(set) var port = 0

    init(dataDirectory: String, arguments: [String], environment: [String: String]) {
        self.dataDirectory = dataDirectory
        self.arguments = arguments
        self.environment = environment
    }

    /// `http://127.0.0.1:PORT`.
    var url: String { "http://127.0.0.1:\(port)" }

    private var stdoutPath: String { "\(dataDirectory).stdout-\(starts)" }
    private var stderrPath: String { "\(dataDirectory).stderr-\(starts)" }

    /// Starts the node and returns once it printed its "listening" line.
    func start() throws {
        starts += 1
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["serve", "--data-dir", dataDirectory, "--port", "0"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        try process.run()
        self.process = process
        // A bench may poll: it waits for a child's first line, bounded to two minutes.
        for _ in 0..<12_000 {
            if let text = try? String(contentsOfFile: stdoutPath, encoding: .utf8),
               let range = text.range(of: "listening on http://127.0.0.1:") {
                port = Int(text[range.upperBound...].prefix { $0.isNumber }) ?? 0
                if port > 0 { return }
            }
            guard process.isRunning else { break }
            usleep(10_000)
        }
        let stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        throw BenchError("node \(dataDirectory) did not start: \(stderr.suffix(2_000))")
    }

    /// Sends `signal` and waits for the process to end.
    func stop(signal: Int32 = SIGTERM) {
        guard let process, process.isRunning else { return }
        _ = Glibc.kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    /// SIGKILL, as a power cut of the process.
    func kill() { stop(signal: SIGKILL) }
}
