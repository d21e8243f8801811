import API
import EventSourcing
import Foundation

extension StatsCommand {
    /// What the data directory tells of its node's place in a cluster, offline: its role as last
    /// started (a replica notes the primary it follows in `replica.json`), epoch, head, and the
    /// lengths of the key and blob journals a replica copies (equal on a caught-up replica).
    func printReplication(head: Int64) {
        let directory = URL(fileURLWithPath: data.dataDirectory)
        if let state = ReplicaState.load(from: directory) {
            print("replication role: replica")
            print("replication primary: \(state.primaryUrl)")
            let seen = state.primaryHead.map { "\($0), " } ?? ""
            print("replication primary head: \(seen)when the stream last opened at \(ISO8601DateFormatter().string(from: state.connectedAt))")
        } else {
            print("replication role: primary (this data directory never followed another node)")
        }
        print("replication epoch: 0")
        print("replication head: \(head)")
        print("replication key journal: \(KeyStore.journalLength(dataDirectory: directory)) entries")
        print("replication blob journal: \(BlobStore.journalLength(dataDirectory: directory)) entries")
    }
}
