import Foundation
import TestSupport

/// A real `protalent serve` on a loopback port the kernel picks, over a data directory it may
/// outlive: tests stop it (SIGTERM), kill it (SIGKILL) and start it again on the same data.
///
/// Its stdout and stderr go to files beside the data directory, read for the "listening" line and
/// quoted when it fails to start.
final class ServerProcess: @unchecked Sendable {
    // @unchecked: one test task drives a server at a time; the process handle is only touched by it.

    /// The data directory.
    let dataDirectory: String
    /// Extra `serve` arguments, kept across restarts.
    var arguments: [String]
    /// Environment on top of the test process's.
    var environment: [String: String]
    /// The port of the running instance (0 before the first start).
    private(set) var port = 0
    /// A port kept across restarts (a cluster node others list by URL); `nil`: the kernel picks one.
    var fixedPort: Int?
    private var process: Process?
    private var starts = 0
    private let logDirectory: String

    /// Where the repository's `projections/` are (the server reads its `.sql` files).
    static let projectionsDirectory: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("projections").path
    }()

    /// The environment every server gets: no rate limits and no per-address alerts (the suite hammers
    /// one IP; an alert would append to the log behind a test's back), and quiet logs.
    static let baseEnvironment = [
        "PROTALENT_RATE_LIMITS": "off", "PROTALENT_LOG_LEVEL": "warning",
        "PROTALENT_ALERT_THRESHOLDS": "probing=1000000000,login_failures_ip=1000000000",
    ]

    init(dataDirectory: String, arguments: [String] = [], environment: [String: String] = [:]) {
        self.dataDirectory = dataDirectory
        self.arguments = arguments
        self.environment = environment
        self.logDirectory = dataDirectory + ".logs"
        try? FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
    }

    /// A client for the running instance.
    var client: HTTPClient { HTTPClient(port: port) }
    /// Whether an instance is running.
    var isRunning: Bool { process?.isRunning ?? false }
    /// What the last instance wrote on stderr.
    var lastStderr: String { (try? String(contentsOfFile: "\(logDirectory)/stderr-\(starts).txt", encoding: .utf8)) ?? "" }

    /// What the last instance wrote on stdout.
    var lastStdout: String { (try? String(contentsOfFile: "\(logDirectory)/stdout-\(starts).txt", encoding: .utf8)) ?? "" }

    /// The demo logins `--demo` printed (`demo student: EMAIL / PASSWORD`), by role.
    func demoLogins() -> [String: String] {
        var logins: [String: String] = [:]
        for line in lastStdout.split(separator: "\n") where line.hasPrefix("demo ") {
            let words = line.split(separator: " ")
            guard words.count >= 3 else { continue }
            logins[String(words[1].dropLast())] = String(words[2])
        }
        return logins
    }

    /// Starts an instance and waits for its "listening" line; throws with its stderr when it exits first.
    func start(extraArguments: [String] = []) async throws {
        precondition(process?.isRunning != true, "already running")
        starts += 1
        let stdoutPath = "\(logDirectory)/stdout-\(starts).txt"
        let stderrPath = "\(logDirectory)/stderr-\(starts).txt"
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProtalentBinary.path)
        process.arguments = ["serve", "--data-dir", dataDirectory, "--port", String(fixedPort ?? 0), "--projections", Self.projectionsDirectory]
            + arguments + extraArguments
        process.environment = ProcessInfo.processInfo.environment.merging(Self.baseEnvironment.merging(environment) { $1 }) { $1 }
        process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(180)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
            if let port = Self.listeningPort(in: text) {
                self.port = port
                return
            }
            if !process.isRunning {
                throw ServerFailure(description: "protalent serve exited with status \(process.terminationStatus) before listening:\n"
                    + lastStderr.suffix(3_000) + "\n" + text.suffix(1_000))
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        await kill()
        throw ServerFailure(description: "protalent serve did not listen within 180 s:\n" + lastStderr.suffix(3_000))
    }

    /// Starts an instance expecting it to refuse: returns its exit status and stderr.
    func startExpectingRefusal() async throws -> (status: Int32, output: String) {
        do {
            try await start()
        } catch let failure as ServerFailure {
            await waitForExit()
            return (process?.terminationStatus ?? -1, failure.description)
        }
        await stop()
        throw ServerFailure(description: "protalent serve started on port \(port) when it should have refused")
    }

    /// SIGTERM, then SIGKILL if it has not ended within 20 s. Safe to call when stopped.
    func stop() async {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { await kill() }
        await waitForExit()
    }

    /// SIGSTOP: the process freezes, its connections open but silent (a network stall).
    func pause() {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGSTOP)
    }

    /// SIGCONT after `pause()`.
    func resume() {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGCONT)
    }

    /// SIGKILL: no chance to flush or close anything. Safe to call when stopped.
    func kill() async {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        await waitForExit()
    }

    /// The exit status of the last instance once it has ended.
    var terminationStatus: Int32? {
        guard let process, !process.isRunning else { return nil }
        return process.terminationStatus
    }

    private func waitForExit() async {
        guard let process else { return }
        while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
    }

    /// Removes the data directory and the captured output.
    func removeFiles() {
        try? FileManager.default.removeItem(atPath: dataDirectory)
        try? FileManager.default.removeItem(atPath: logDirectory)
    }

    /// A loopback port free now (the kernel's pick for a socket closed at once), for `fixedPort`.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerFailure(description: "socket: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw ServerFailure(description: "bind: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The port in `ProTalent is listening on http://HOST:PORT  (…)` (or `https://` with `--tls-cert`).
    static func listeningPort(in text: String) -> Int? {
        guard let marker = text.range(of: "is listening on http://") ?? text.range(of: "is listening on https://") else { return nil }
        let rest = text[marker.upperBound...]
        let address = rest.prefix { !$0.isWhitespace }
        guard rest.count > address.count, let colon = address.lastIndex(of: ":") else { return nil }
        return Int(address[address.index(after: colon)...])
    }
}

/// The server did not do what the test needed from it (start, stop).
struct ServerFailure: Error, CustomStringConvertible {
    var description: String
}

/// Runs `body` with a started server on a fresh temporary data directory; always stops the server
/// and deletes the directory, whether `body` passes, fails or throws.
func withServer<T>(
    arguments: [String] = [], environment: [String: String] = [:], _ body: (ServerProcess) async throws -> T
) async throws -> T {
    let directory = try TemporaryDirectory("protalent-e2e")
    let server = ServerProcess(dataDirectory: directory.path + "/data", arguments: arguments, environment: environment)
    defer { server.removeFiles(); directory.remove() }
    do {
        try await server.start()
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.kill()
        throw error
    }
}

/// Settings of the suite: `PROTALENT_E2E_LONG=1` runs the long local mode (more kills, more
/// fuzzing); CI runs the short one.
enum EndToEnd {
    /// Whether the long mode is on.
    static let long = ProcessInfo.processInfo.environment["PROTALENT_E2E_LONG"] == "1"
    /// SIGKILL rounds of the crash test.
    static let crashRounds = long ? 150 : 20
    /// Examples per operation for schemathesis.
    static let fuzzExamples = long ? 200 : 15
}

/// What every node of a test cluster shares: a replication secret file in the test's directory,
/// and the same server and master keys (tokens and personal data work on every node).
struct ClusterSecrets {
    /// The `--replication-secret-file` to pass each node.
    let secretFile: String
    /// `PROTALENT_SERVER_KEY` and `PROTALENT_MASTER_KEY`, random.
    let environment: [String: String]

    /// Writes a fresh secret into `directory` and draws fresh keys.
    init(in directory: String) throws {
        secretFile = directory + "/replication.secret"
        try Data("e2e replication secret \(UUID().uuidString)\n".utf8).write(to: URL(fileURLWithPath: secretFile))
        func randomKey() -> String { Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString() }
        environment = ["PROTALENT_SERVER_KEY": randomKey(), "PROTALENT_MASTER_KEY": randomKey()]
    }
}
