import Foundation
import Testing
import TestSupport

/// Bad input on the replication stream, end to end: a proxy between a replica and its primary
/// flips a byte of a batch, or cuts the connection in the middle of one; a replica is pointed at
/// the primary of another log. Each time the replica refuses with a clear error (its log, and
/// `lastError` in `GET /admin/replication`), writes nothing of what it refused, and catches up once
/// the stream is honest again.
@Suite(.serialized) struct ForgedStreamEndToEndTests {
    /// Whether every segment of `replica` is a prefix of the primary's segment of the same name.
    private func isPrefix(_ replica: ServerProcess, of primary: ServerProcess) throws -> Bool {
        let reference = try primary.segmentFiles()
        // The active segment is zero-filled ahead of its head: what the replica wrote is its bytes
        // up to the zeros, and that must be where the primary has the same bytes.
        return try replica.segmentFiles().allSatisfy { name, bytes in
            let end = bytes.lastIndex(where: { $0 != 0 }).map { bytes.index(after: $0) } ?? bytes.startIndex
            let written = bytes[bytes.startIndex..<end]
            return reference[name].map { $0.starts(with: written) } ?? false
        }
    }

    /// Waits until the replica's current stderr says `text`.
    private func waitForLog(_ node: ServerProcess, _ text: String) throws {
        _ = try DirectoryWatch.wait(in: node.dataDirectory + ".logs", timeout: .seconds(60)) { node.lastStderr.contains(text) ? true : nil }
    }

    /// `lastError` of the replica's `GET /admin/replication`.
    private func lastError(_ node: ServerProcess, admin: Account) async throws -> String? {
        let status = try await node.client.send("GET", "/admin/replication", token: admin.accessToken)
        try #require(status.status == 200, "\(status)")
        return status.object["lastError"] as? String
    }

    @Test(.timeLimit(.minutes(10)))
    func aForgedOrCutBatchIsRefusedWithNothingWrittenAndTheReplicaCatchesUpOnceTheStreamIsHonest() async throws {
        let directory = try TemporaryDirectory("protalent-e2e-forged")
        defer { directory.remove() }
        let cluster = try ClusterSecrets(in: directory.path)
        let primary = cluster.primary(in: directory.path)
        let replica = ServerProcess(dataDirectory: directory.path + "/replica", environment: cluster.environment)
        var proxy: StreamProxy?
        defer {
            proxy?.stop()
            for node in [primary, replica] { node.removeFiles() }
        }
        do {
            try await primary.start()
            let admin = try await primary.bootstrapAdmin()
            let account = try await primary.signUp(uniqueEmail("forged"), firstName: "Aminata", lastName: "Ndiaye")
            let streamProxy = StreamProxy(upstreamPort: primary.port, controlDirectory: directory.path + "/proxy")
            proxy = streamProxy
            try streamProxy.start(mode: .pass)
            replica.arguments = ["--replica-of", "http://127.0.0.1:\(streamProxy.port)", "--replication-secret-file", cluster.secretFile]
            try await replica.start()

            // Through the honest proxy, the replica follows.
            let before = try await primary.client.send("PUT", "/users/profile", json: ["bio": "honest"], token: account.accessToken)
            let honest = try #require(before.logPosition, "\(before)")
            let read = try await replica.read("/users/profile", token: account.accessToken, after: honest)
            #expect(read.status == 200 && read.text.contains("honest"), "\(read)")
            let held = try await replica.logHead()

            // One flipped byte in the next batch: refused, nothing of it written, the error visible.
            try streamProxy.set(.flip)
            let forged = try await primary.client.send("PUT", "/users/profile", json: ["bio": "forged"], token: account.accessToken)
            #expect(forged.status == 204, "the primary's write depends on its replica: \(forged)")
            try streamProxy.waitForMark("flipped")
            try waitForLog(replica, "replication refused at position \(held + 1)")
            let refusal = try await lastError(replica, admin: admin)
            #expect(refusal?.contains("replication refused at position \(held + 1)") == true, "lastError: \(refusal ?? "none")")
            #expect(try await replica.logHead() == held, "the replica wrote a forged batch")
            #expect(try isPrefix(replica, of: primary), "the replica's segments are not a prefix of the primary's")

            // The connection cut in the middle of the batch: nothing partial written.
            try streamProxy.set(.cut)
            try streamProxy.waitForMark("cut")
            try waitForLog(replica, "the stream ended inside a frame")
            #expect(try await replica.logHead() == held, "the replica wrote part of a cut batch")
            #expect(try isPrefix(replica, of: primary), "the replica's segments are not a prefix of the primary's")

            // Honest again: the replica catches up, byte for byte.
            try streamProxy.set(.pass)
            let after = try await primary.client.send("PUT", "/users/profile", json: ["bio": "after"], token: account.accessToken)
            let last = try #require(after.logPosition, "\(after)")
            let caughtUp = try await replica.read("/users/profile", token: account.accessToken, after: last)
            #expect(caughtUp.status == 200 && caughtUp.text.contains("after"), "\(caughtUp)")
            let status = try await replica.client.send("GET", "/admin/replication", token: admin.accessToken)
            #expect(status.object["connected"] as? Bool == true, "\(status)")

            for node in [replica, primary] { await node.stop() }
            #expect(try replica.segmentFiles() == primary.segmentFiles(), "the replica's log differs from the primary's after catching up")
        } catch {
            for node in [primary, replica] { await node.kill() }
            throw error
        }
    }

    @Test(.timeLimit(.minutes(10)))
    func aReplicaPointedAtThePrimaryOfAnotherLogIsRefusedAndWritesNothing() async throws {
        let directory = try TemporaryDirectory("protalent-e2e-other-log")
        defer { directory.remove() }
        // The same secret and keys: only the logs differ.
        let cluster = try ClusterSecrets(in: directory.path)
        let arguments = ["--replication-secret-file", cluster.secretFile]
        let primary = cluster.primary(in: directory.path)
        let other = cluster.primary(in: directory.path, "other")
        let replica = ServerProcess(dataDirectory: directory.path + "/replica", environment: cluster.environment)
        defer {
            for node in [primary, other, replica] { node.removeFiles() }
        }
        do {
            try await primary.start()
            try await other.start()
            let admin = try await primary.bootstrapAdmin()
            // The other log is longer, with more keys: the replica's resume point exists in it.
            for index in 0..<4 { _ = try await other.signUp(uniqueEmail("other\(index)")) }
            replica.arguments = ["--replica-of", "http://127.0.0.1:\(primary.port)"] + arguments
            try await replica.start()
            let head = try await primary.logHead()
            _ = try await replica.read("/users/profile", token: admin.accessToken, after: head)
            await replica.stop()
            let files = try replica.segmentFiles()
            let keyJournal = try Data(contentsOf: URL(fileURLWithPath: replica.dataDirectory + "/keys/journal"))

            replica.arguments = ["--replica-of", "http://127.0.0.1:\(other.port)"] + arguments
            try await replica.start()
            try waitForLog(replica, "the stream from the primary ended")
            let refusal = try await lastError(replica, admin: admin)
            #expect(refusal?.contains("not a prefix") == true, "lastError: \(refusal ?? "none")")
            #expect(try await replica.logHead() == head)

            for node in [replica, other, primary] { await node.stop() }
            #expect(try replica.segmentFiles() == files, "the replica wrote batches of another log")
            #expect(try Data(contentsOf: URL(fileURLWithPath: replica.dataDirectory + "/keys/journal")) == keyJournal, "the replica took keys of another log")
        } catch {
            for node in [primary, other, replica] { await node.kill() }
            throw error
        }
    }
}
