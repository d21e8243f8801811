import Foundation
import Testing
import TestSupport

/// A primary and two replicas as real processes on loopback, each with its own data directory and
/// the same server and master keys: byte-identical logs, the same answers everywhere after
/// `X-Min-Position`, commands redirected to the primary, the stream closed to a wrong secret, a
/// killed replica catching up, and an erasure shredding the person on every node.
@Suite(.serialized) struct ReplicationEndToEndTests {
    /// Signs up `count` accounts on `primary` from three concurrent writers, each filling a profile.
    private func load(_ primary: ServerProcess, count: Int, label: String) async throws -> [Account] {
        try await withThrowingTaskGroup(of: [Account].self) { group in
            for writer in 0..<3 {
                group.addTask {
                    var accounts: [Account] = []
                    for index in stride(from: writer, to: count, by: 3) {
                        var account = try await primary.signUp(uniqueEmail("\(label)\(index)"), firstName: "Aminata", lastName: "Ndiaye")
                        let put = try await primary.client.send("PUT", "/users/profile", json: [
                            "bio": "Bourse \(label) \(index)", "fieldOfStudy": "Statistics", "countryCode": "SN", "city": "Thiès",
                        ], token: account.accessToken)
                        try #require(put.status == 204, "\(put)")
                        account.position = try #require(put.logPosition)
                        accounts.append(account)
                    }
                    return accounts
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    /// What every node must answer alike for `accounts`, read after `position`.
    private func answers(_ node: ServerProcess, _ accounts: [Account], after position: Int64) async throws -> [String] {
        var answers: [String] = []
        for account in accounts.sorted(by: { $0.id < $1.id }) {
            let profile = try await node.read("/users/profile", token: account.accessToken, after: position)
            #expect(profile.status == 200, "\(profile)")
            let visible = try await node.read("/users/\(account.id)/public", after: position)
            answers.append(profile.text + "\n" + visible.text)
        }
        return answers
    }

    @Test func aPrimaryAndTwoReplicasHoldTheSameLogAnswerAlikeRedirectCommandsAndShredErasures() async throws {
        let directory = try TemporaryDirectory("protalent-e2e-cluster")
        defer { directory.remove() }
        let cluster = try ClusterSecrets(in: directory.path)
        let (secretFile, environment) = (cluster.secretFile, cluster.environment)
        let primary = ServerProcess(
            dataDirectory: directory.path + "/primary", arguments: ["--replication-secret-file", secretFile], environment: environment
        )
        var replicas: [ServerProcess] = []
        defer {
            for node in [primary] + replicas { node.removeFiles() }
        }
        do {
            try await primary.start()
            let admin = try await primary.bootstrapAdmin()
            let primaryURL = "http://127.0.0.1:\(primary.port)"
            for name in ["replica-a", "replica-b"] {
                replicas.append(ServerProcess(
                    dataDirectory: directory.path + "/" + name,
                    arguments: ["--replica-of", primaryURL, "--replication-secret-file", secretFile], environment: environment
                ))
            }

            // Replica A follows from the start; B starts from an empty directory while writes go on.
            try await replicas[0].start()
            let firstLoad = Task { try await load(primary, count: 9, label: "first") }
            try await replicas[1].start()
            var accounts = try await firstLoad.value
            var head = try await primary.logHead()
            let expected = try await answers(primary, accounts, after: head)
            for replica in replicas {
                #expect(try await answers(replica, accounts, after: head) == expected, "a replica answers differently")
                #expect(try await replica.logHead() >= head)
            }

            // A command sent to a replica is redirected to the same path on the primary.
            let redirected = try await replicas[0].client.send(
                "PUT", "/users/profile?x=1", json: ["bio": "redirected"], token: accounts[0].accessToken
            )
            #expect(redirected.status == 307, "\(redirected)")
            #expect(redirected.headers["location"] == primaryURL + "/users/profile?x=1")
            let register = try await replicas[1].register(uniqueEmail("redirected"))
            #expect(register.status == 307 && register.headers["location"] == primaryURL + "/auth/register", "\(register)")

            // Read-your-writes for a newcomer: someone who just signed up on the primary reads their
            // own profile on a replica that has not applied the sign-up yet (frozen meanwhile). The
            // replica waits for X-Min-Position before it authenticates, instead of a 401.
            replicas[1].pause()
            let newcomer = try await primary.signUp(uniqueEmail("newcomer"), firstName: "Khady", lastName: "Ba")
            replicas[1].resume()
            let own = try await replicas[1].read("/users/profile", token: newcomer.accessToken, after: newcomer.position)
            #expect(own.status == 200 && own.text.contains("Khady"), "\(own)")

            // The stream is closed to a missing or wrong secret.
            for headers in [[:], ["X-Replication-Secret": "not the secret of this cluster"]] {
                let refused = try await primary.client.send("GET", "/replication/stream?from=1", headers: headers)
                #expect(refused.status == 401 && refused.isProblem, "\(refused)")
            }

            // A replica killed mid-stream comes back and catches up from its own head.
            await replicas[0].kill()
            accounts += try await load(primary, count: 6, label: "second")
            try await replicas[0].start()
            head = try await primary.logHead()
            let after = try await answers(primary, accounts, after: head)
            for replica in replicas {
                #expect(try await answers(replica, accounts, after: head) == after, "a replica answers differently after a restart")
            }

            // The cluster as the primary's operator sees it.
            let status = try await primary.client.send("GET", "/admin/replication", token: admin.accessToken)
            #expect(status.status == 200 && status.object["role"] as? String == "primary", "\(status)")
            #expect((status.object["replicas"] as? [[String: Any]])?.count == 2, "\(status)")
            let replicaStatus = try await replicas[1].client.send("GET", "/admin/replication", token: admin.accessToken)
            #expect(replicaStatus.object["role"] as? String == "replica", "\(replicaStatus)")
            #expect(replicaStatus.object["primaryUrl"] as? String == primaryURL, "\(replicaStatus)")

            // An erasure on the primary shreds the person on every replica: key file gone, tombstone there.
            let erased = accounts[1]
            let erasure = try await primary.client.send("DELETE", "/users/me", json: ["password": erased.password], token: erased.accessToken)
            #expect(erasure.status == 204, "\(erasure)")
            let erasedAt = try #require(erasure.logPosition)
            for replica in replicas {
                let gone = try await replica.read("/users/\(erased.id)/public", after: erasedAt)
                #expect(gone.status == 404, "an erased profile on a replica: \(gone)")
                let keys = replica.dataDirectory + "/keys/" + erased.id.lowercased()
                // The key's erasure follows the erasure's batch on the stream: wait for both of its steps.
                let shredded = try DirectoryWatch.wait(in: replica.dataDirectory + "/keys") {
                    FileManager.default.fileExists(atPath: keys + ".erased") && !FileManager.default.fileExists(atPath: keys) ? true : nil
                }
                #expect(shredded == true, "no tombstone on \(replica.dataDirectory)")
                #expect(!FileManager.default.fileExists(atPath: keys), "the erased person's key survives on a replica")
            }

            // Stopped cleanly, every node holds the same segment files, byte for byte.
            head = try await primary.logHead()
            for replica in replicas {
                let caughtUp = try await replica.read("/users/\(accounts[0].id)/public", after: head)
                #expect(caughtUp.status == 200, "\(caughtUp)")
            }
            for node in replicas + [primary] { await node.stop() }
            let reference = try primary.segmentFiles()
            #expect(!reference.isEmpty)
            for replica in replicas {
                #expect(try replica.segmentFiles() == reference, "\(replica.dataDirectory) differs from the primary's log")
                let verified = try await replica.verify()
                #expect(verified.status == 0, "\(verified.output)")
            }
        } catch {
            for node in [primary] + replicas { await node.kill() }
            throw error
        }
    }
}
