import Foundation
import Testing
import TestSupport

/// `--sync-replicas 1`: a primary acknowledges a command once its replica holds it; with the
/// replica frozen (SIGSTOP) the command answers 503 `replication-timeout` after `--sync-timeout`,
/// and once the replica runs again (SIGCONT) it catches up: a retry with the same
/// `Idempotency-Key` answers the first outcome, with one effect, and commands succeed again.
@Suite(.serialized) struct SyncReplicationEndToEndTests {
    @Test func aFrozenReplicaTimesCommandsOutWith503AndTheClusterRecoversWhenItRunsAgain() async throws {
        let directory = try TemporaryDirectory("protalent-e2e-sync")
        defer { directory.remove() }
        let cluster = try ClusterSecrets(in: directory.path)
        let (secretFile, environment) = (cluster.secretFile, cluster.environment)
        let primary = ServerProcess(
            dataDirectory: directory.path + "/primary",
            arguments: ["--replication-secret-file", secretFile, "--sync-replicas", "1", "--sync-timeout", "1s"],
            environment: environment
        )
        let replica = ServerProcess(dataDirectory: directory.path + "/replica", environment: environment)
        defer {
            for node in [primary, replica] { node.removeFiles() }
        }
        do {
            try await primary.start()
            replica.arguments = ["--replica-of", "http://127.0.0.1:\(primary.port)", "--replication-secret-file", secretFile]
            try await replica.start()

            // With the replica following, commands succeed (each confirmed by it before the answer).
            let account = try await primary.signUp(uniqueEmail("sync"), firstName: "Aminata", lastName: "Ndiaye")
            let put = try await primary.client.send("PUT", "/users/profile", json: ["bio": "first"], token: account.accessToken)
            #expect(put.status == 204, "\(put)")
            let confirmed = try #require(put.logPosition)
            #expect(try await replica.logHead() >= confirmed, "a command was acknowledged before the replica held it")

            // A frozen replica confirms nothing: the next command answers 503 replication-timeout.
            replica.pause()
            let name = "Sync \(UUID().uuidString.prefix(8))"
            let community: [String: Any] = [
                "name": name, "description": "Created while the replica was frozen", "category": "academic",
                "countryCode": "SN", "city": "Dakar", "isPrivate": false,
            ]
            let key = ["Idempotency-Key": "stalled-\(UUID().uuidString)"]
            let stalled = try await primary.client.send("POST", "/communities", json: community, headers: key, token: account.accessToken)
            #expect(stalled.status == 503 && stalled.isProblem, "\(stalled)")
            #expect((stalled.object["type"] as? String)?.hasSuffix("/problems/replication-timeout") == true, "\(stalled)")
            #expect(stalled.headers["retry-after"] != nil, "\(stalled)")

            // Running again, it catches up; the retry with the same key answers the first outcome,
            // and the community exists once.
            replica.resume()
            var retried = try await primary.client.send("POST", "/communities", json: community, headers: key, token: account.accessToken)
            for _ in 0..<20 where retried.status == 503 {
                retried = try await primary.client.send("POST", "/communities", json: community, headers: key, token: account.accessToken)
            }
            #expect(retried.status == 201 && retried.headers["idempotency-replayed"] == "true", "\(retried)")
            let created = try #require(retried.logPosition)
            let listed = try await replica.read("/communities?q=\(name.replacingOccurrences(of: " ", with: "%20"))", token: account.accessToken, after: created)
            #expect((listed.object["items"] as? [[String: Any]])?.count == 1, "\(listed)")
            #expect(try await primary.replay().filter { $0["type"] as? String == "communities.community-created" }.count == 1)

            // (The replica may need more than one timeout to resume its stream on a loaded machine.)
            var again = try await primary.client.send("PUT", "/users/profile", json: ["bio": "again"], token: account.accessToken)
            for _ in 0..<20 where again.status == 503 {
                again = try await primary.client.send("PUT", "/users/profile", json: ["bio": "again"], token: account.accessToken)
            }
            #expect(again.status == 204, "\(again)")
            let position = try #require(again.logPosition)
            let profile = try await replica.read("/users/profile", token: account.accessToken, after: position)
            #expect(profile.status == 200 && profile.text.contains("again"), "\(profile)")

            for node in [replica, primary] { await node.stop() }
        } catch {
            replica.resume()
            for node in [primary, replica] { await node.kill() }
            throw error
        }
    }
}
