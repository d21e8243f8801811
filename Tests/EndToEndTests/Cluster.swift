import Foundation
import Testing
import TestSupport

/// A test cluster whose nodes keep their ports across restarts and list each other in
/// `--replica-of` (each skips its own `--advertise-url`), so any node can be the primary: the
/// failover tests start, kill, promote and rejoin them.
struct Cluster {
    /// The shared secret file and keys.
    let secrets: ClusterSecrets
    /// The nodes, by index.
    let nodes: [ServerProcess]

    /// `count` nodes under `directory`, each `serve --replica-of <all> --advertise-url <own>`, with
    /// `arguments` added (e.g. `--sync-replicas 1`) and `environment` over the cluster's.
    init(in directory: String, count: Int, arguments: [String] = [], environment: [String: String] = [:]) throws {
        let secrets = try ClusterSecrets(in: directory)
        self.secrets = secrets
        let ports = try (0..<count).map { _ in try ServerProcess.freePort() }
        let urls = ports.map { "http://127.0.0.1:\($0)" }
        nodes = try (0..<count).map { index in
            let node = ServerProcess(
                dataDirectory: directory + "/node-\(index)",
                arguments: [
                    "--replica-of", urls.joined(separator: ","), "--advertise-url", urls[index],
                    "--replication-secret-file", secrets.secretFile,
                ] + arguments,
                environment: secrets.environment.merging(environment) { $1 }
            )
            node.fixedPort = ports[index]
            try FileManager.default.createDirectory(atPath: node.dataDirectory, withIntermediateDirectories: true)
            return node
        }
    }

    /// The URL `node` advertises.
    func url(_ node: ServerProcess) -> String { "http://127.0.0.1:\(node.fixedPort ?? node.port)" }

    /// `protalent ARGUMENTS` with the cluster's keys in the environment.
    func run(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let environment = secrets.environment
        return try await offPool { try ProtalentBinary.run(arguments, environment: environment) }
    }

    /// `protalent promote` on a stopped node.
    func promoteOffline(_ node: ServerProcess) async throws -> String {
        let run = try await run(["promote", "--data-dir", node.dataDirectory, "--advertise-url", url(node)])
        try #require(run.status == 0, "promote: \(run.stderr)")
        return run.stdout
    }

    /// `POST /admin/replication/promote` on a running replica.
    func promote(_ node: ServerProcess, admin: Account) async throws -> HTTPResponse {
        try await node.client.send("POST", "/admin/replication/promote", token: admin.accessToken)
    }

    /// `protalent rejoin` of a stopped node against `primary`.
    func rejoin(_ node: ServerProcess, to primary: ServerProcess) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await run(["rejoin", "--data-dir", node.dataDirectory, "--replica-of", url(primary), "--replication-secret-file", secrets.secretFile])
    }

    /// The segment files of a node's log, by name.
    static func segments(_ node: ServerProcess) throws -> [String: Data] {
        let log = node.dataDirectory + "/log"
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: log) where name.hasSuffix(".seg") {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: log + "/" + name))
        }
        return files
    }

    /// Waits until `replica`'s read models hold `primary`'s head, until both heads are equal (the
    /// primary may still record an idempotent answer just after a test's last command).
    static func converge(_ replica: ServerProcess, with primary: ServerProcess, probe: String) async throws {
        while true {
            let head = try await primary.logHead()
            let read = try await replica.read(probe, after: head)
            try #require(read.status < 500, "\(read)")
            if try await replica.logHead() == head, try await primary.logHead() == head { return }
        }
    }

    /// Waits (inotify on the captured output) until `node`'s stderr contains `text`.
    static func waitForStderr(_ node: ServerProcess, _ text: String) throws -> Bool {
        (try? DirectoryWatch.wait(in: node.dataDirectory + ".logs", timeout: .seconds(60)) {
            node.lastStderr.contains(text) ? true : nil
        }) ?? false
    }
}
