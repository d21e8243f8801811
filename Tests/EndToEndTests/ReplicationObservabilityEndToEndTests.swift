import Foundation
import Testing
import TestSupport

/// How an operator sees a cluster: the replication gauges of `/metrics` on the primary and on a
/// replica move as the replica follows, freezes (SIGSTOP) and catches up, and `protalent stats`
/// tells each stopped data directory's role, primary and head. With `--sync-replicas 0` a frozen
/// replica holds nothing back: every command is acknowledged while it is stopped.
@Suite(.serialized) struct ReplicationObservabilityEndToEndTests {
    @Test(.timeLimit(.minutes(10)))
    func metricsAndStatsFollowTheReplicaAndAFrozenReplicaNeverHoldsBackThePrimary() async throws {
        let directory = try TemporaryDirectory("protalent-e2e-observe")
        defer { directory.remove() }
        let cluster = try ClusterSecrets(in: directory.path)
        let scrapeToken = "scrape-\(UUID().uuidString)"
        let scraping = ["PROTALENT_METRICS_TOKEN": scrapeToken]
        let primary = cluster.primary(in: directory.path, arguments: ["--sync-replicas", "0"], environment: scraping)
        let replica = ServerProcess(dataDirectory: directory.path + "/replica", environment: cluster.environment.merging(scraping) { $1 })
        defer {
            for node in [primary, replica] { node.removeFiles() }
        }
        do {
            try await primary.start()
            let account = try await primary.signUp(uniqueEmail("observed"), firstName: "Aminata", lastName: "Ndiaye")
            let primaryURL = "http://127.0.0.1:\(primary.port)"
            replica.arguments = ["--replica-of", primaryURL, "--replication-secret-file", cluster.secretFile]
            try await replica.start()
            let first = try await primary.client.send("PUT", "/users/profile", json: ["bio": "followed"], token: account.accessToken)
            let followed = try #require(first.logPosition, "\(first)")
            _ = try await replica.read("/users/profile", token: account.accessToken, after: followed)
            let replicaID = try String(contentsOfFile: replica.dataDirectory + "/node.id", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let labels = ["replica": replicaID]

            // The replica's own view: connected, the primary's head seen.
            let seen = try await MetricsScrape(replica, token: scrapeToken)
            #expect(seen.value("protalent_replication_is_replica") == 1, "\(seen.text)")
            #expect(seen.value("protalent_replication_primary_connected") == 1)
            #expect((seen.value("protalent_replication_primary_head_position") ?? 0) >= Double(followed))
            // The primary's view of it: connected, lag consistent with its confirmed position.
            let following = try await MetricsScrape(primary, token: scrapeToken)
            let head = Double(try await primary.logHead())
            #expect(following.value("protalent_replication_is_replica") == 0, "\(following.text)")
            #expect(following.value("protalent_replication_replica_connected", labels) == 1, "\(following.text)")
            let confirmed = try #require(following.value("protalent_replication_confirmed_position", labels), "\(following.text)")
            let lag = try #require(following.value("protalent_replication_lag_events", labels))
            #expect(confirmed <= head && lag >= 0)
            #expect(following.value("protalent_replication_lag_seconds", labels) != nil)

            // Frozen, the replica confirms nothing; the primary acknowledges every command anyway.
            let frozenAt = try await primary.logHead()
            replica.pause()
            var bio = ""
            for index in 0..<10 {
                bio = "while frozen \(index)"
                let put = try await primary.client.send("PUT", "/users/profile", json: ["bio": bio], token: account.accessToken)
                #expect(put.status == 204, "a command waited for a frozen replica: \(put)")
            }
            let frozenHead = try await primary.logHead()
            let stalled = try await MetricsScrape(primary, token: scrapeToken)
            let stuck = try #require(stalled.value("protalent_replication_confirmed_position", labels), "\(stalled.text)")
            #expect(stuck <= Double(frozenAt), "a frozen replica confirmed positions")
            #expect(stalled.value("protalent_replication_lag_events", labels) == Double(frozenHead) - stuck, "\(stalled.text)")
            #expect(Double(frozenHead) - stuck >= 10)

            // Running again, it catches up and knows it has.
            replica.resume()
            let caughtUp = try await replica.read("/users/profile", token: account.accessToken, after: frozenHead)
            #expect(caughtUp.status == 200 && caughtUp.text.contains(bio), "\(caughtUp)")
            let current = try await MetricsScrape(replica, token: scrapeToken)
            #expect((current.value("protalent_replication_primary_head_position") ?? 0) >= Double(frozenHead), "\(current.text)")
            #expect(current.value("protalent_replication_behind_primary_events") == 0, "\(current.text)")

            // Offline, `stats` tells each data directory's place in the cluster.
            for node in [replica, primary] { await node.stop() }
            let replicaStats = try await runBinary(["stats", "--data-dir", replica.dataDirectory, "--projections", ServerProcess.projectionsDirectory])
            let primaryStats = try await runBinary(["stats", "--data-dir", primary.dataDirectory, "--projections", ServerProcess.projectionsDirectory])
            #expect(replicaStats.status == 0 && primaryStats.status == 0, "\(replicaStats.stderr) \(primaryStats.stderr)")
            #expect(replicaStats.stdout.contains("replication role: replica\n"), "\(replicaStats.stdout)")
            #expect(replicaStats.stdout.contains("replication primary: \(primaryURL)\n"), "\(replicaStats.stdout)")
            #expect(primaryStats.stdout.contains("replication role: primary"), "\(primaryStats.stdout)")
            for prefix in ["replication head: \(frozenHead)\n", "head chain hash: ", "replication key journal: ", "replication blob journal: "] {
                let line = { (text: String) in text.split(separator: "\n").first { $0.hasPrefix(prefix.trimmingCharacters(in: .newlines)) } }
                #expect(line(replicaStats.stdout) != nil && line(replicaStats.stdout) == line(primaryStats.stdout), "\(prefix) differs")
            }
        } catch {
            replica.resume()
            for node in [primary, replica] { await node.kill() }
            throw error
        }
    }
}
