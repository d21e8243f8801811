import Archive
import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// moto's S3-compatible server (`scripts/moto`, installed under `.build/test-tools/` by
/// `scripts/setup`) on a free loopback port, for the archive tests; one bucket made at start.
final class MotoServer: @unchecked Sendable {
    // @unchecked: the process handle is set once in `start()` before the instance is shared and only
    // read afterwards (signals and stop), from the test's own task.
    static let executable = URL(fileURLWithPath: ServerProcess.projectionsDirectory).deletingLastPathComponent().path
        + "/.build/test-tools/moto-venv/bin/moto_server"
    /// Whether moto is installed (the tests that need it are skipped, loudly, otherwise).
    static var available: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    let directory: String
    let bucket = "protalent-archive"
    private(set) var port = 0
    private var process: Process?

    /// The variables a `protalent` process needs to reach it (moto accepts any credentials).
    var environment: [String: String] {
        [
            "AWS_ACCESS_KEY_ID": "e2e-access-key", "AWS_SECRET_ACCESS_KEY": "e2e-secret-key", "AWS_REGION": "us-east-1",
            "PROTALENT_S3_ENDPOINT": "http://127.0.0.1:\(port)",
        ]
    }

    /// A client of the bucket, as the server signs (for setting up and inspecting the archive).
    func client() throws -> S3Client {
        S3Client(configuration: try S3Configuration.fromEnvironment(environment), bucket: bucket)
    }

    init(directory: String) {
        self.directory = directory
    }

    /// Starts moto, waits for its "Running on" line (by inotify on its output file), makes the bucket.
    func start() async throws {
        port = try Self.freePort()
        let output = directory + "/moto.txt"
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        process.standardOutput = FileHandle(forWritingAtPath: output)
        process.standardError = FileHandle(forWritingAtPath: output)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        let port = self.port
        try await offPool {
            _ = try DirectoryWatch.wait(in: self.directory, timeout: .seconds(120)) { () -> Bool? in
                let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
                if !process.isRunning { throw ServerFailure(description: "moto_server exited: \(text.suffix(2_000))") }
                return text.contains("Running on http://127.0.0.1:\(port)") ? true : nil
            }
        }
        let client = try client()
        try await client.createBucket()
        try await client.shutdown()
    }

    /// SIGSTOP: the store stops answering (connections open, requests hang).
    func pause() {
        if let process { kill(process.processIdentifier, SIGSTOP) }
    }

    /// SIGCONT after `pause()`.
    func resume() {
        if let process { kill(process.processIdentifier, SIGCONT) }
    }

    /// Ends moto (continuing it first if paused).
    func stop() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGCONT)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// A port nobody listens on now: bind port 0, read it, close.
    private static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(.EIO) }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
