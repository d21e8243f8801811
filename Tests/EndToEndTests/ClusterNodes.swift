import Foundation

extension ClusterSecrets {
    /// A primary in `directory/name`, holding the replication secret and the shared keys.
    func primary(in directory: String, _ name: String = "primary", arguments: [String] = [], environment: [String: String] = [:]) -> ServerProcess {
        ServerProcess(
            dataDirectory: directory + "/" + name, arguments: ["--replication-secret-file", secretFile] + arguments,
            environment: self.environment.merging(environment) { $1 }
        )
    }

    /// A replica in `directory/name` following the node on loopback `port` (a primary's, or a proxy's).
    func replica(in directory: String, _ name: String, following port: Int, environment: [String: String] = [:]) -> ServerProcess {
        ServerProcess(
            dataDirectory: directory + "/" + name,
            arguments: ["--replica-of", "http://127.0.0.1:\(port)", "--replication-secret-file", secretFile],
            environment: self.environment.merging(environment) { $1 }
        )
    }
}

extension ServerProcess {
    /// The segment files of this node's log, by name.
    func segmentFiles() throws -> [String: Data] {
        let log = dataDirectory + "/log"
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: log) where name.hasSuffix(".seg") {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: log + "/" + name))
        }
        return files
    }
}
