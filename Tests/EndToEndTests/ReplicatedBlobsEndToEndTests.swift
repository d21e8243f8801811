import Foundation
import Testing
import TestSupport

/// Avatars travel with the log: a replica fetches each blob the primary stores (checked against its
/// content-addressed name), deletes each blob the primary deletes, and an erasure on the primary
/// leaves no byte of the person's picture in any file of any node.
@Suite(.serialized) struct ReplicatedBlobsEndToEndTests {
    /// Uploads `image` as `account`'s avatar on `node`: its name and the command's position.
    private func upload(_ image: [UInt8], as account: Account, on node: ServerProcess) async throws -> (hash: String, position: Int64) {
        let response = try await node.client.send(
            "POST", "/users/upload-avatar", body: Data(image), headers: ["Content-Type": "image/png"], token: account.accessToken
        )
        try #require(response.status == 201, "\(response)")
        return (try #require(response.object["contentHash"] as? String), try #require(response.logPosition))
    }

    /// The length in bytes of a node's blob journal.
    private func journalSize(_ node: ServerProcess) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: node.dataDirectory + "/blobs/journal"))?[.size] as? Int) ?? 0
    }

    /// Waits until `replica`'s blob journal is as long as `primary`'s: every put and deletion the
    /// primary journaled is applied there (a replica journals an entry after applying it).
    private func waitForBlobs(_ replica: ServerProcess, toMatch primary: ServerProcess) throws {
        let expected = journalSize(primary)
        let reached = try DirectoryWatch.wait(in: replica.dataDirectory + "/blobs", timeout: .seconds(60)) {
            journalSize(replica) >= expected ? true : nil
        }
        #expect(reached && journalSize(replica) == expected, "\(replica.dataDirectory): blob journal \(journalSize(replica)) bytes, the primary's \(expected)")
    }

    @Test(.timeLimit(.minutes(10)))
    func replicasServeThePrimarysAvatarsAndKeepNoByteOfAnErasedPersonsPictures() async throws {
        let directory = try TemporaryDirectory("protalent-e2e-blobs")
        defer { directory.remove() }
        let cluster = try ClusterSecrets(in: directory.path)
        let primary = cluster.primary(in: directory.path)
        var replicas: [ServerProcess] = []
        defer {
            for node in [primary] + replicas { node.removeFiles() }
        }
        // Two pictures of the same person: the first replaced by the second, the second erased.
        let first = TestImages.png(width: 37, height: 23)
        let second = TestImages.png(width: 41, height: 29)
        do {
            try await primary.start()
            replicas = ["replica-a", "replica-b"].map { cluster.replica(in: directory.path, $0, following: primary.port) }
            // Replica A follows while the pictures are uploaded; B starts from an empty directory after.
            try await replicas[0].start()
            let person = try await primary.signUp(uniqueEmail("avatar"), firstName: "Aminata", lastName: "Ndiaye")
            let bystander = try await primary.signUp(uniqueEmail("bystander"), firstName: "Moussa", lastName: "Diallo")
            let replaced = try await upload(first, as: person, on: primary)
            let current = try await upload(second, as: person, on: primary)
            let kept = try await upload(first, as: bystander, on: primary)
            #expect(kept.hash != replaced.hash, "two people share a blob name")
            try await replicas[1].start()

            for replica in replicas {
                // Anonymous: a replica started empty may not know the person's account before the wait.
                let profile = try await replica.read("/users/\(person.id)/public", after: kept.position)
                #expect(profile.status == 200, "\(profile)")
                try waitForBlobs(replica, toMatch: primary)
                for (hash, image) in [(current.hash, second), (kept.hash, first)] {
                    let served = try await replica.client.send("GET", "/users/avatars/\(hash)")
                    #expect(served.status == 200 && served.body == Data(image), "\(replica.dataDirectory) serves \(hash): \(served.status)")
                }
                let gone = try await replica.client.send("GET", "/users/avatars/\(replaced.hash)")
                #expect(gone.status == 404, "a replaced avatar survives on \(replica.dataDirectory): \(gone.status)")
            }

            // The blob fetch is the replicas' alone: without the secret, nothing.
            let refused = try await primary.client.send("GET", "/replication/blob/\(current.hash)")
            #expect(refused.status == 401 && refused.isProblem, "\(refused)")

            // Erasure on the primary: every node deletes the picture.
            let erasure = try await primary.client.send("DELETE", "/users/me", json: ["password": person.password], token: person.accessToken)
            #expect(erasure.status == 204, "\(erasure)")
            let erasedAt = try #require(erasure.logPosition)
            for node in [primary] + replicas {
                if node !== primary {
                    _ = try await node.read("/users/\(bystander.id)/public", after: erasedAt)
                    try waitForBlobs(node, toMatch: primary)
                }
                let served = try await node.client.send("GET", "/users/avatars/\(current.hash)")
                #expect(served.status == 404, "an erased person's avatar is served by \(node.dataDirectory): \(served.status)")
                let other = try await node.client.send("GET", "/users/avatars/\(kept.hash)")
                #expect(other.status == 200 && other.body == Data(first), "another person's avatar went with the erasure")
            }

            // Stopped: the journals are the primary's, and no file of any replica holds the person's pictures.
            for node in replicas + [primary] { await node.stop() }
            let reference = try Data(contentsOf: URL(fileURLWithPath: primary.dataDirectory + "/blobs/journal"))
            for replica in replicas {
                #expect(try Data(contentsOf: URL(fileURLWithPath: replica.dataDirectory + "/blobs/journal")) == reference)
                // The bystander's copy of the first picture is legitimately there, under its own name.
                let holding = try files(under: replica.dataDirectory, containing: Data(second))
                #expect(holding.isEmpty, "the erased person's picture survives in \(holding)")
                let firstCopies = try files(under: replica.dataDirectory, containing: Data(first))
                let keptFile = replica.dataDirectory + "/blobs/" + String(kept.hash.prefix(2)) + "/" + String(kept.hash.dropFirst(2))
                #expect(firstCopies == [keptFile], "\(firstCopies)")
            }
        } catch {
            for node in [primary] + replicas { await node.kill() }
            throw error
        }
    }

    /// Every regular file under `directory` whose bytes contain `needle`.
    private func files(under directory: String, containing needle: Data) throws -> [String] {
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let relative = enumerator?.nextObject() as? String {
            let path = directory + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            if try Data(contentsOf: URL(fileURLWithPath: path)).range(of: needle) != nil { found.append(path) }
        }
        return found.sorted()
    }
}
