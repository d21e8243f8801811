import API
import ArgumentParser
import EventLog
import Foundation

/// `protalent promote`: makes a stopped replica the primary at its epoch + 1, by appending the
/// epoch event to its log (`docs/operations.md`, "Failover").
struct PromoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Make this (stopped) replica the primary at a new epoch; a running one: POST /admin/replication/promote."
    )

    @OptionGroup var data: DataDirectoryOptions
    @Option(name: .customLong("advertise-url"), help: "The URL clients reach this node at, recorded in the epoch (or PROTALENT_ADVERTISE_URL).")
    var advertiseURL: String?

    func run() async throws {
        let url = advertiseURL ?? ProcessInfo.processInfo.environment["PROTALENT_ADVERTISE_URL"]
        let dataURL = URL(fileURLWithPath: data.dataDirectory)
        if let fence = ReplicationFence.load(dataDirectory: dataURL) {
            printError("error: \(data.dataDirectory) is a former primary fenced by epoch \(fence.epoch): run protalent rejoin, not promote")
            throw ExitCode(1)
        }
        let log = try ClusterCommandSupport.openLog(data)
        defer { log.close() }
        let nodeID = try Platform.loadNodeID(dataDirectory: dataURL)
        if let current = ClusterEpoch.current(in: log), current.node == nodeID {
            printError("error: this node is already the primary of epoch \(current.epoch)")
            throw ExitCode(1)
        }
        let epoch = try await ClusterEpoch.start(on: log, node: nodeID, url: url)
        print("promoted: epoch \(epoch.epoch), head \(log.head), node \(nodeID)")
    }
}

/// What the cluster commands share.
enum ClusterCommandSupport {
    /// Opens the log as its writer, refusing (exit 1, a clear message) while a server holds it.
    static func openLog(_ data: DataDirectoryOptions) throws -> EventLog {
        do {
            return try EventLog.open(directory: data.logDirectory)
        } catch let error where error.kind == .locked {
            printError("error: a running server holds \(data.logDirectory): stop it first (or use the admin endpoint on the running node)")
            throw ExitCode(1)
        } catch {
            printError("error: cannot open \(data.logDirectory): \(error)")
            throw ExitCode(1)
        }
    }
}
