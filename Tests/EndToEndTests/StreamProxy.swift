import Foundation
import TestSupport

/// `Tests/Tools/stream-proxy.py` as a child process: a loopback forwarder between a replica and its
/// primary that passes, forges (flips one byte of a batch) or cuts (mid-frame) the replication
/// stream, as `mode` says. It marks each forgery or cut with a file in its control directory.
final class StreamProxy: @unchecked Sendable {
    // @unchecked: one test task drives it.

    /// What the proxy does to the next batch frames.
    enum Mode: String {
        case pass, flip, cut
    }

    /// Where the proxy reads its mode and writes its port and marks.
    let controlDirectory: String
    /// The port it listens on.
    private(set) var port = 0
    private let process = Process()

    /// The script, from the repository.
    static let script: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tools/stream-proxy.py").path
    }()

    /// A proxy in front of `upstreamPort`, controlled from `controlDirectory` (created).
    init(upstreamPort: Int, controlDirectory: String) {
        self.controlDirectory = controlDirectory
        try? FileManager.default.createDirectory(atPath: controlDirectory, withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Self.script, String(upstreamPort), controlDirectory]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
    }

    /// Starts it in `mode` and waits until it listens (it writes its port file once bound).
    func start(mode: Mode) throws {
        try set(mode)
        try process.run()
        port = try DirectoryWatch.wait(in: controlDirectory) {
            (try? String(contentsOfFile: controlDirectory + "/port", encoding: .utf8)).flatMap { Int($0) }
        }
    }

    /// Switches the mode; the proxy reads it before each batch frame.
    func set(_ mode: Mode) throws {
        try Data(mode.rawValue.utf8).write(to: URL(fileURLWithPath: controlDirectory + "/mode"), options: .atomic)
    }

    /// Waits until the proxy has marked a forgery (`flipped`) or a cut (`cut`).
    func waitForMark(_ name: String) throws {
        _ = try DirectoryWatch.wait(in: controlDirectory, timeout: .seconds(60)) {
            try FileManager.default.contentsOfDirectory(atPath: controlDirectory).first { $0.hasPrefix(name + "-") }
        }
    }

    /// Ends it (SIGKILL: it holds no state) and waits. Not SIGTERM: a child of the test process
    /// inherits its blocked signal mask, and Python does not unblock SIGTERM, so it would never end.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
