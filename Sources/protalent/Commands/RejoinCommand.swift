import API
import ArgumentParser
import EventLog
import EventSourcing
import Foundation

/// `protalent rejoin`: turns a stopped former primary (or a replica that got ahead of the new
/// primary) into a replica of the new primary: finds the last batch both logs share by comparing
/// chain hashes, cuts everything after it and reports each cut event, cuts the data-key journal
/// back to what both share, drops the read models and aggregate snapshots (they rebuild from the
/// log at the next start) and clears the fence. `serve --replica-of URL` then follows from there.
struct RejoinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rejoin",
        abstract: "Cut this (stopped) node's log back to what the new primary shares with it, reporting every cut event, so it can follow."
    )

    @OptionGroup var data: DataDirectoryOptions
    @Option(name: .customLong("replica-of"), help: "The new primary's URL.") var replicaOf: String
    @Option(name: .customLong("replication-secret-file"), help: "The cluster's secret (or PROTALENT_REPLICATION_SECRET).")
    var replicationSecretFile: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let url = URL(string: replicaOf), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ValidationError("--replica-of must be an http(s) URL such as http://10.0.0.1:8080, not '\(replicaOf)'")
        }
        guard let secret = try ReplicationSecret.load(file: replicationSecretFile, environment: environment) else {
            throw ValidationError("rejoin needs the cluster's secret: --replication-secret-file F or PROTALENT_REPLICATION_SECRET")
        }
        let peer = ClusterPeer(url: url, secret: secret)
        let log = try ClusterCommandSupport.openLog(data)
        let localEpoch = ClusterEpoch.current(in: log)?.epoch ?? 0
        let status: ClusterPeer.Status
        do {
            status = try await peer.status()
        } catch {
            log.close()
            printError("error: cannot ask \(replicaOf) for its status: \(error)")
            throw ExitCode(1)
        }
        guard status.role == .primary, !status.fenced, status.epoch > localEpoch else {
            log.close()
            printError("error: \(replicaOf) is \(status.fenced ? "a fenced " : "a ")\(status.role.rawValue) at epoch \(status.epoch); "
                + "rejoin follows a primary at a higher epoch than this node's \(localEpoch)")
            throw ExitCode(1)
        }
        let shared: Int64
        do {
            shared = try await Self.sharedPrefix(local: log, remote: peer, remoteHead: status.head)
        } catch {
            log.close()
            printError("error: comparing the logs with \(replicaOf) failed: \(error)")
            throw ExitCode(1)
        }
        let head = log.head
        log.close()

        let truncation = try EventLog.truncate(directory: data.logDirectory, after: shared)
        for event in truncation.cutEvents {
            print("cut: position \(event.position)  stream \(event.stream)  type \(event.type)  at \(ISO8601Micros.format(event.timestampMicros))")
        }
        if truncation.cutEvents.isEmpty {
            print("nothing to cut: this log (head \(head)) is a prefix of \(replicaOf)'s (head \(status.head))")
        } else {
            print("cut \(truncation.cutEvents.count) event(s) after position \(shared) (the primary of epoch \(status.epoch) never had them)")
        }

        let dataURL = URL(fileURLWithPath: data.dataDirectory)
        let keys = try KeyStore(dataDirectory: dataURL, environment: environment)
        let theirs = try await peer.journal()
        let ours = try keys.journalEntries(from: 0, maxCount: keys.journalCount)
        var common = 0
        while common < ours.count, common < theirs.count,
              theirs[common].subject == ours[common].subject, theirs[common].kind == (ours[common].kind == .created ? "created" : "erased") {
            common += 1
        }
        for entry in try keys.trimJournal(to: common) {
            switch entry.kind {
            case .created:
                print("cut key: subject \(entry.subject.uuidString.lowercased()) (created only here)")
            case .erased:
                print("cut erasure: subject \(entry.subject.uuidString.lowercased()) — its key is gone here: that person cannot be shown "
                    + "on this node until erased again on the primary")
            }
        }
        for name in ["readmodels", "snapshots"] {
            let path = dataURL.appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: path) {
                try FileManager.default.removeItem(atPath: path)
                print("removed \(path) (rebuilt from the log at the next start)")
            }
        }
        try ReplicationFence.clear(dataDirectory: dataURL)
        // Followed from the next start, even before the stream brings the newer epoch.
        try ReplicationFence(epoch: status.epoch, url: status.url ?? replicaOf).write(dataDirectory: dataURL, kind: .follow)
        print("rejoined at position \(shared): now run protalent serve --replica-of \(replicaOf) (with the cluster's other flags)")
    }

    /// The last position both logs hold alike: a binary search over this log's batches, a batch
    /// being shared when the primary's batch holding its last position has the same bounds and
    /// chain hash (equal chain hashes mean equal logs up to there).
    static func sharedPrefix(local: EventLog, remote: ClusterPeer, remoteHead: Int64) async throws -> Int64 {
        var agreed: Int64 = 0
        var upper = min(local.head, remoteHead)
        while agreed < upper {
            let middle = agreed + (upper - agreed + 1) / 2
            guard let mark = try local.batchMark(containing: middle) else { break }
            if mark.lastPosition <= remoteHead, try await remote.batchMark(containing: mark.lastPosition) == mark {
                agreed = mark.lastPosition
            } else {
                upper = mark.firstPosition - 1
            }
        }
        return agreed
    }
}
