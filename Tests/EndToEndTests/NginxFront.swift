import Foundation
import TestSupport

/// nginx (Debian's `nginx-light`, installed by `scripts/setup`) on loopback in front of a test
/// cluster, running the repository's `deploy/nginx/protalent.conf` with the example addresses
/// replaced by the nodes' ports. Its own prefix, temp directories and access log (which names the
/// node that served each request), in the foreground (`daemon off`).
final class NginxFront: @unchecked Sendable {
    // @unchecked: one test task drives it.

    /// Where nginx is.
    static let binary = "/usr/sbin/nginx"

    /// Whether nginx is here; when it is not, runs `scripts/setup` once (which installs it).
    static let isAvailable: Bool = {
        if FileManager.default.isExecutableFile(atPath: binary) { return true }
        let setup = Process()
        setup.executableURL = URL(fileURLWithPath: repository + "/scripts/setup")
        try? setup.run()
        setup.waitUntilExit()
        return FileManager.default.isExecutableFile(atPath: binary)
    }()

    static let repository: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }()

    /// The prefix directory (configuration, pid, logs, temp files).
    let prefix: String
    /// The port it listens on.
    let port: Int
    private let process = Process()

    /// Writes the configuration for a primary and replicas on `primaryPort` and `replicaPorts`.
    init(prefix: String, primaryPort: Int, replicaPorts: [Int]) throws {
        self.prefix = prefix
        self.port = try ServerProcess.freePort()
        try FileManager.default.createDirectory(atPath: prefix + "/logs", withIntermediateDirectories: true)
        var site = try String(contentsOfFile: Self.repository + "/deploy/nginx/protalent.conf", encoding: .utf8)
        let replacements = [
            ("10.0.0.10:8080", "127.0.0.1:\(primaryPort)"), ("10.0.0.11:8080", "127.0.0.1:\(replicaPorts[0])"),
            ("10.0.0.12:8080", "127.0.0.1:\(replicaPorts[1])"), ("listen 80;", "listen 127.0.0.1:\(port);"),
        ]
        for (example, actual) in replacements {
            guard site.contains(example) else { throw ServerFailure(description: "deploy/nginx/protalent.conf no longer contains \(example)") }
            site = site.replacingOccurrences(of: example, with: actual)
        }
        try site.write(toFile: prefix + "/protalent.conf", atomically: true, encoding: .utf8)
        let main = """
            \(getuid() == 0 ? "user root;" : "")
            worker_processes 1;
            pid \(prefix)/nginx.pid;
            error_log \(prefix)/logs/error.log warn;
            events { worker_connections 256; }
            http {
                log_format nodes '$request_method $uri $status $upstream_addr';
                access_log \(prefix)/logs/access.log nodes;
                include \(prefix)/protalent.conf;
            }

            """
        try main.write(toFile: prefix + "/nginx.conf", atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["-p", prefix, "-c", prefix + "/nginx.conf", "-g", "daemon off;"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
    }

    /// Starts nginx and waits for its pid file (written once it has bound its port).
    func start() throws {
        try process.run()
        _ = try DirectoryWatch.wait(in: prefix) {
            if !process.isRunning {
                let log = (try? String(contentsOfFile: prefix + "/logs/error.log", encoding: .utf8)) ?? ""
                throw ServerFailure(description: "nginx exited: \(log)")
            }
            return FileManager.default.fileExists(atPath: prefix + "/nginx.pid") ? true : nil
        }
    }

    /// A client through nginx.
    var client: HTTPClient { HTTPClient(port: port) }

    /// The access log: method, path, status and the node (or nodes, after a retry) that answered.
    func accessLog() throws -> [(method: String, path: String, status: Int, upstreams: [String])] {
        try String(contentsOfFile: prefix + "/logs/access.log", encoding: .utf8).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", maxSplits: 3)
            guard fields.count == 4, let status = Int(fields[2]) else { return nil }
            let upstreams = fields[3].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return (String(fields[0]), String(fields[1]), status, upstreams)
        }
    }

    /// Stops nginx (SIGTERM: fast shutdown) and waits.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
