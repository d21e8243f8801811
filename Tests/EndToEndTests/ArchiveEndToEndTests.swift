import Archive
import Foundation
import Testing
import TestSupport

/// Continuous archiving to an S3-compatible store (moto on loopback) and restore from it, with the
/// real binary: restore after a SIGKILL finds every command the archive acknowledged; a restore to
/// an earlier position stops there; an erased person stays erased in a restore of any age; a
/// stalled store never fails a command and the archive catches up; a damaged archive is refused
/// by name and leaves no directory behind.
@Suite(.serialized, .enabled(if: MotoServer.available, "moto unavailable: run scripts/setup (it installs moto[server] under .build/test-tools)"))
struct ArchiveEndToEndTests {
    /// What a server writes into `<data>/archive-status.json` after each pass.
    struct Status: Decodable, Sendable {
        var archivedPosition: Int64
        var head: Int64
        var lagEvents: Int64
        var lastError: String?
        var lastSuccessMicros: Int64
    }

    /// The archive status a server writes after each pass, once `match` accepts it (inotify).
    private func archiveStatus(
        _ server: ServerProcess, timeout: Duration = .seconds(90), until match: @escaping @Sendable (Status) -> Bool
    ) async throws -> Status {
        let directory = server.dataDirectory
        return try await offPool {
            try DirectoryWatch.wait(in: directory, timeout: timeout) { () -> Status? in
                guard let data = FileManager.default.contents(atPath: directory + "/archive-status.json"),
                      let status = try? JSONDecoder().decode(Status.self, from: data), match(status) else { return nil }
                return status
            }
        }
    }

    /// Signs up `count` people named `Archive<label><index>`, three at a time; each account's
    /// position is that of its sign-in, the last command acknowledged for it.
    private func signUpPeople(_ server: ServerProcess, count: Int, label: String) async throws -> [Account] {
        try await withThrowingTaskGroup(of: Account.self) { group in
            var started = 0
            var accounts: [Account] = []
            while accounts.count < count {
                while started < count, started - accounts.count < 3 {
                    let index = started
                    group.addTask { try await server.signUp(uniqueEmail("\(label)\(index)"), firstName: "Aminata", lastName: "Archive\(label)\(index)") }
                    started += 1
                }
                if let account = try await group.next() { accounts.append(account) }
            }
            return accounts
        }
    }

    /// A fresh directory with moto started in it, the cluster's keys and secret, and a server archiving
    /// to `s3://BUCKET/<prefix>` every `interval` (started; replicas may follow it). The caller removes the directory and stops moto.
    private func archivingServer(
        prefix: String, interval: String = "200ms", environment extra: [String: String] = [:]
    ) async throws -> (directory: TemporaryDirectory, moto: MotoServer, secrets: ClusterSecrets, server: ServerProcess) {
        let directory = try TemporaryDirectory("protalent-e2e-archive")
        let moto = MotoServer(directory: directory.path)
        do {
            try await moto.start()
            let secrets = try ClusterSecrets(in: directory.path)
            let server = ServerProcess(
                dataDirectory: directory.path + "/primary",
                arguments: ["--archive", "s3://\(moto.bucket)/\(prefix)", "--archive-interval", interval,
                            "--replication-secret-file", secrets.secretFile],
                environment: secrets.environment.merging(moto.environment) { $1 }.merging(extra) { $1 }
            )
            try await server.start()
            return (directory, moto, secrets, server)
        } catch {
            moto.stop()
            directory.remove()
            throw error
        }
    }

    /// `protalent restore`, with the store's variables.
    private func restore(_ moto: MotoServer, prefix: String, into directory: String, toPosition: Int64? = nil) async throws
        -> (status: Int32, stdout: String, stderr: String) {
        let arguments = ["restore", "--from", "s3://\(moto.bucket)/\(prefix)", "--data-dir", directory]
            + (toPosition.map { ["--to-position", String($0)] } ?? [])
        let environment = moto.environment
        return try await offPool { try ProtalentBinary.run(arguments, environment: environment) }
    }

    private static func line(_ prefix: String, in text: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    @Test(.timeLimit(.minutes(10)))
    func aRestoreAfterSIGKILLHoldsEveryArchivedCommandAndAnEarlierPositionStopsThere() async throws {
        let (directory, moto, secrets, server) = try await archivingServer(prefix: "one")
        defer { moto.stop(); directory.remove() }
        let accounts: [Account]
        let archived: Int64
        do {
            accounts = try await signUpPeople(server, count: 12, label: "one")
            let acknowledged = accounts.map(\.position).max() ?? 0
            // The archive reaches every acknowledged command within about an interval.
            let status = try await archiveStatus(server) { $0.archivedPosition >= acknowledged && $0.lastError == nil }
            archived = status.archivedPosition
            await server.kill()
        } catch {
            await server.kill()
            throw error
        }

        // Everything: verify passes and the head chain hash is the manifest's.
        let full = directory.path + "/restored"
        let restored = try await restore(moto, prefix: "one", into: full)
        try #require(restored.status == 0, "restore: \(restored.stderr)")
        let restoredPosition = try #require(Self.line("restored position: ", in: restored.stdout).flatMap { Int64($0) })
        #expect(restoredPosition >= archived)
        let chain = try #require(Self.line("head chain hash: ", in: restored.stdout))
        #expect(restored.stdout.contains("archive manifest: position \(restoredPosition), chain hash \(chain)"), "\(restored.stdout)")
        let verified = try await runBinary(["verify", "--data-dir", full])
        #expect(verified.status == 0, "verify: \(verified.stdout) \(verified.stderr)")
        #expect(verified.stdout.contains("head chain hash: \(chain)"), "\(verified.stdout)")

        let copy = ServerProcess(dataDirectory: full, environment: secrets.environment)
        try await copy.start()
        do {
            for account in accounts {
                let profile = try await copy.read("/users/\(account.id)/public", after: account.position)
                #expect(profile.status == 200 && profile.text.contains("Archiveone"), "\(account.email) after restore: \(profile)")
            }
            await copy.stop()
        } catch {
            await copy.kill()
            throw error
        }

        // An earlier position: the last whole batch at or before it, nothing after.
        let sorted = accounts.sorted { $0.position < $1.position }
        let middle = sorted[sorted.count / 2].position
        let early = directory.path + "/early"
        let partial = try await restore(moto, prefix: "one", into: early, toPosition: middle)
        try #require(partial.status == 0, "restore --to-position: \(partial.stderr)")
        let earlyPosition = try #require(Self.line("restored position: ", in: partial.stdout).flatMap { Int64($0) })
        #expect(earlyPosition <= middle)
        #expect(try await runBinary(["verify", "--data-dir", early]).status == 0)
        let earlyCopy = ServerProcess(dataDirectory: early, environment: secrets.environment)
        try await earlyCopy.start()
        do {
            #expect(try await earlyCopy.logHead() == earlyPosition)
            let later = try #require(sorted.last)
            let missing = try await earlyCopy.read("/users/\(later.id)/public", after: earlyPosition)
            #expect(missing.status == 404, "a person signed up after position \(earlyPosition): \(missing)")
            await earlyCopy.stop()
        } catch {
            await earlyCopy.kill()
            throw error
        }

        // Refusals: a non-empty directory; an altered or missing object, named, leaving nothing.
        let refused = try await restore(moto, prefix: "one", into: full)
        #expect(refused.status != 0 && refused.stderr.contains("not empty"), "\(refused)")
        let client = try moto.client()
        let tail = try #require(try await client.list(prefix: "one/tail/").first)
        var bytes = try #require(try await client.get(tail))
        bytes[bytes.count - 1] ^= 0xFF
        try await client.put(tail, bytes: bytes)
        let altered = directory.path + "/altered"
        let badRestore = try await restore(moto, prefix: "one", into: altered)
        #expect(badRestore.status == 1 && badRestore.stderr.contains(tail), "an altered object: \(badRestore)")
        #expect(!FileManager.default.fileExists(atPath: altered), "a failed restore left \(altered)")
        try await client.delete(tail)
        let gone = try await restore(moto, prefix: "one", into: altered)
        #expect(gone.status == 1 && gone.stderr.contains(tail) && gone.stderr.contains("missing"), "a missing object: \(gone)")
        #expect(!FileManager.default.fileExists(atPath: altered))
        try await client.shutdown()
    }

    @Test(.timeLimit(.minutes(10)))
    func anErasedPersonStaysErasedInARestoreFromBeforeTheErasure() async throws {
        let (directory, moto, secrets, server) = try await archivingServer(prefix: "two")
        defer { moto.stop(); directory.remove() }
        let client = try moto.client()
        let erased: Account
        let kept: Account
        let erasedAt: Int64
        let oldManifest: [UInt8]
        do {
            // Sorted by address: two0 (to be erased) first, two1 second.
            let accounts = try await signUpPeople(server, count: 2, label: "two").sorted { $0.email < $1.email }
            erased = accounts[0]
            kept = accounts[1]
            let before = accounts.map(\.position).max() ?? 0
            _ = try await archiveStatus(server) { $0.archivedPosition >= before }
            // An archive copy from before the erasure (as an older version of a versioned bucket would be).
            oldManifest = try #require(try await client.get("two/manifest.json"))
            let erasure = try await server.client.send("DELETE", "/users/me", json: ["password": erased.password], token: erased.accessToken)
            try #require(erasure.status == 204, "\(erasure)")
            erasedAt = try #require(erasure.logPosition)
            // The erasure reaches the archive: a tombstone, and the key object deleted. The erasure job
            // destroys the key after the event; a pass that starts after that ships it.
            let subject = erased.id.lowercased()
            let keysDirectory = server.dataDirectory + "/keys"
            _ = try await offPool {
                try DirectoryWatch.wait(in: keysDirectory) { FileManager.default.fileExists(atPath: keysDirectory + "/\(subject).erased") ? true : nil }
            }
            let destroyedAt = Int64(Date().timeIntervalSince1970 * 1_000_000)
            let next = try await archiveStatus(server) { $0.lastSuccessMicros > destroyedAt }
            _ = try await archiveStatus(server) { $0.lastSuccessMicros > next.lastSuccessMicros }
            let keys = try await client.list(prefix: "two/keys/")
            #expect(try await client.list(prefix: "two/tombstones/").contains("two/tombstones/\(subject)"))
            #expect(!keys.contains("two/keys/\(subject)"), "the erased person's key is still archived")
            #expect(keys.contains("two/keys/\(kept.id.lowercased())"))
            await server.stop()
        } catch {
            await server.kill()
            throw error
        }

        // Restored to before the erasure event, from the current manifest and then from the copy taken
        // before the erasure: the person's events are there, their key is not, and they stay erased.
        let early = directory.path + "/early"
        let fromCurrent = try await restore(moto, prefix: "two", into: early, toPosition: erasedAt - 1)
        try #require(fromCurrent.status == 0, "restore: \(fromCurrent.stderr)")
        try await expectErased(erased, kept: kept, in: early, before: erasedAt, environment: secrets.environment)
        try await client.put("two/manifest.json", bytes: oldManifest)
        let old = directory.path + "/old"
        let fromOld = try await restore(moto, prefix: "two", into: old)
        try #require(fromOld.status == 0, "restore from the manifest taken before the erasure: \(fromOld.stderr)")
        try await expectErased(erased, kept: kept, in: old, before: erasedAt, environment: secrets.environment)
        try await client.shutdown()
    }

    /// A restored directory holds no key for `erased` but its tombstone, verifies, and a server on it
    /// shows `kept` by name and `erased` by none, and refuses their sign-in.
    private func expectErased(_ erased: Account, kept: Account, in data: String, before erasedAt: Int64, environment: [String: String]) async throws {
        #expect(!FileManager.default.fileExists(atPath: data + "/keys/" + erased.id.lowercased()))
        #expect(FileManager.default.fileExists(atPath: data + "/keys/" + erased.id.lowercased() + ".erased"))
        #expect(try await runBinary(["verify", "--data-dir", data]).status == 0)
        let copy = ServerProcess(dataDirectory: data, environment: environment)
        try await copy.start()
        do {
            let head = try await copy.logHead()
            #expect(head < erasedAt)
            let shredded = try await copy.read("/users/\(erased.id)/public", after: head)
            #expect(!shredded.text.contains("Archivetwo0"), "an erased person's name came back: \(shredded)")
            let login = try await copy.login(erased.email)
            #expect(login.status != 200, "an erased person signed in on a restored copy: \(login)")
            let other = try await copy.read("/users/\(kept.id)/public", after: head)
            #expect(other.status == 200 && other.text.contains("Archivetwo1"), "\(other)")
            await copy.stop()
        } catch {
            await copy.kill()
            throw error
        }
    }

    @Test(.timeLimit(.minutes(10)))
    func aStalledStoreNeverFailsACommandAndTheArchiveCatchesUp() async throws {
        let (directory, moto, _, server) = try await archivingServer(prefix: "three", environment: ["PROTALENT_S3_TIMEOUT": "2"])
        defer { moto.stop(); directory.remove() }
        do {
            let admin = try await server.bootstrapAdmin()
            _ = try await archiveStatus(server) { $0.archivedPosition >= admin.position && $0.lastError == nil }
            moto.pause()
            // Commands while the store hangs: every one succeeds (load requires each answer).
            let accounts = try await signUpPeople(server, count: 6, label: "three")
            let acknowledged = accounts.map(\.position).max() ?? 0
            let stalled = try await archiveStatus(server) { $0.lastError != nil }
            #expect(stalled.archivedPosition < acknowledged)
            let report = try await server.client.send("GET", "/admin/archive", token: admin.accessToken)
            #expect(report.status == 200, "\(report)")
            #expect((report.object["lagEvents"] as? NSNumber)?.int64Value ?? 0 > 0, "\(report)")
            #expect(report.object["lastError"] is String, "\(report)")
            let anonymous = try await server.client.send("GET", "/admin/archive")
            #expect(anonymous.status == 401, "\(anonymous)")

            moto.resume()
            let caughtUp = try await archiveStatus(server, timeout: .seconds(120)) { $0.archivedPosition >= acknowledged && $0.lastError == nil }
            #expect(caughtUp.archivedPosition >= acknowledged)
            let after = try await server.client.send("GET", "/admin/archive", token: admin.accessToken)
            #expect(after.object["lastError"] == nil, "\(after)")
            let stats = try await runBinary(["stats", "--data-dir", server.dataDirectory, "--projections", ServerProcess.projectionsDirectory])
            #expect(stats.stdout.contains("archive: s3://\(moto.bucket)/three at position"), "\(stats.stdout)")
            let metrics = try await server.client.send("GET", "/metrics", token: admin.accessToken)
            #expect(metrics.text.contains("protalent_archive_lag_events"), "\(metrics.text.prefix(2_000))")
            await server.stop()
        } catch {
            moto.resume()
            await server.kill()
            throw error
        }
    }

    @Test(.timeLimit(.minutes(10)))
    func aRestoredDirectoryStartsAsAReplicaAndFollowsThePrimaryFromThere() async throws {
        let (directory, moto, secrets, primary) = try await archivingServer(prefix: "four")
        defer { moto.stop(); directory.remove() }
        var replica: ServerProcess?
        do {
            let before = try await signUpPeople(primary, count: 4, label: "four")
            let archivedTarget = before.map(\.position).max() ?? 0
            _ = try await archiveStatus(primary) { $0.archivedPosition >= archivedTarget && $0.lastError == nil }
            let seeded = directory.path + "/replica"
            let restored = try await restore(moto, prefix: "four", into: seeded)
            try #require(restored.status == 0, "restore: \(restored.stderr)")
            let after = try await signUpPeople(primary, count: 3, label: "fourlater")

            // Given --archive too: it leaves the archive to the primary while it is a replica.
            let node = ServerProcess(
                dataDirectory: seeded,
                arguments: ["--replica-of", "http://127.0.0.1:\(primary.port)", "--replication-secret-file", secrets.secretFile,
                            "--archive", "s3://\(moto.bucket)/four", "--archive-interval", "200ms"],
                environment: secrets.environment.merging(moto.environment) { $1 }
            )
            replica = node
            try await node.start()
            #expect(node.lastStdout.contains("this node takes it over if promoted"), "\(node.lastStdout)")
            let head = try await primary.logHead()
            for account in before + after {
                let profile = try await node.read("/users/\(account.id)/public", after: head)
                #expect(profile.status == 200 && profile.text.contains("Archivefour"), "\(account.email) on the seeded replica: \(profile)")
            }
            #expect(try await node.logHead() >= head)
            await primary.stop()
            await node.stop()
            #expect(!FileManager.default.fileExists(atPath: seeded + "/archive-status.json"), "a replica wrote the archive")

            // Promoted (the primary is gone) and restarted as it was, with --replica-of: it takes the
            // archive over from the old primary's manifest, and archives what it acknowledges.
            let promoted = try await offPool { try ProtalentBinary.run(["promote", "--data-dir", seeded], environment: secrets.environment) }
            try #require(promoted.status == 0, "promote: \(promoted.stderr)")
            try await node.start()
            #expect(node.lastStdout.contains("archiving to s3://\(moto.bucket)/four"), "\(node.lastStdout)")
            let later = try await signUpPeople(node, count: 2, label: "fourpromoted")
            let target = later.map(\.position).max() ?? 0
            let status = try await archiveStatus(node) { $0.archivedPosition >= target }
            #expect(status.lastError == nil, "\(status)")
            await node.stop()
        } catch {
            await replica?.kill()
            await primary.kill()
            throw error
        }
    }

    @Test(.timeLimit(.minutes(5)))
    func aGracefulStopArchivesEveryAcknowledgedCommandBeforeExiting() async throws {
        // An interval far longer than the test: only the last pass at SIGTERM can ship these commands.
        let (directory, moto, _, server) = try await archivingServer(prefix: "five", interval: "600s")
        defer { moto.stop(); directory.remove() }
        let acknowledged: Int64
        do {
            _ = try await archiveStatus(server) { $0.lastSuccessMicros > 0 }
            acknowledged = try await signUpPeople(server, count: 2, label: "five").map(\.position).max() ?? 0
            await server.stop()
        } catch {
            await server.kill()
            throw error
        }
        #expect(server.terminationStatus == 0)
        let restored = try await restore(moto, prefix: "five", into: directory.path + "/restored")
        try #require(restored.status == 0, "restore: \(restored.stderr)")
        let position = try #require(Self.line("restored position: ", in: restored.stdout).flatMap { Int64($0) })
        #expect(position >= acknowledged, "a graceful stop left positions \(position + 1)...\(acknowledged) unarchived")
    }
}
