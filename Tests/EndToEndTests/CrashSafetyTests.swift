import Foundation
import Synchronization
import Testing
import TestSupport

/// SIGKILL at random moments while several clients send commands: every command answered 2xx
/// survives in the log and the read models, the chain verifies, projections resume exactly once.
@Suite(.serialized) struct CrashSafetyTests {
    /// What the clients were told, and what they sent without hearing back.
    final class Ledger: Sendable {
        struct Registration: Sendable {
            var id: String
            var position: Int64
            var round: Int
        }
        struct State: Sendable {
            var registrations: [Registration] = []
            /// Per worker: the last profile revision acknowledged and the last one sent.
            var acknowledged: [Int: Int] = [:]
            var sent: [Int: Int] = [:]
            var maxPosition: Int64 = 0
            var acknowledgements = 0
            var refusals: [String] = []
            /// The log positions of the acknowledged posts (the poster's revisions count sends).
            var postPositions: [Int64] = []
        }
        let state = Mutex(State())

        func acknowledged(position: Int64?) {
            state.withLock {
                $0.maxPosition = max($0.maxPosition, position ?? 0)
                $0.acknowledgements += 1
            }
        }
    }

    @Test func sigkillUnderLoadLosesNoAcknowledgedCommand() async throws {
        try await withServer { server in
            let workers = 4
            var accounts: [Account] = []
            for worker in 0..<workers {
                accounts.append(try await server.signUp(uniqueEmail("worker\(worker)"), firstName: "Worker", lastName: "N\(worker)"))
            }
            let team = accounts
            // The last worker posts in a community it owns: the post counter is a projection that
            // would count an event applied twice.
            let created = try await server.client.send("POST", "/communities", json: [
                "name": "Crash club", "category": "interest", "isPrivate": false,
            ], token: accounts[workers - 1].accessToken)
            let community = try #require(created.object["communityId"] as? String, "\(created)")
            let ledger = Ledger()
            var generator = SystemRandomNumberGenerator()
            var checkedRegistrations = 0
            for round in 1...EndToEnd.crashRounds {
                let before = ledger.state.withLock { $0.acknowledgements }
                let client = server.client
                let load = Task {
                    await withTaskGroup(of: Void.self) { group in
                        for worker in 0..<workers {
                            let account = team[worker]
                            group.addTask {
                                await Self.work(worker: worker, poster: worker == workers - 1, community: community, account: account,
                                                round: round, client: client, ledger: ledger)
                            }
                        }
                    }
                }
                // Kill while commands are in flight: after the first new acknowledgement, at a random moment.
                let deadline = Date().addingTimeInterval(20)
                while ledger.state.withLock({ $0.acknowledgements }) == before, Date() < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...600, using: &generator)))
                await server.kill()
                load.cancel()
                await load.value
                #expect(server.terminationStatus != 0, "round \(round): the server ended before the kill")

                try await server.start()
                let seen = ledger.state.withLock { $0 }
                #expect(seen.refusals.isEmpty, "round \(round): commands refused: \(seen.refusals.prefix(3))")
                let head = try await server.logHead()
                #expect(head >= seen.maxPosition, "round \(round): head \(head) is behind an acknowledged position \(seen.maxPosition)")
                // Every acknowledged registration of this round is readable, and every worker's
                // profile holds a revision between the last acknowledged and the last sent.
                for registration in seen.registrations[checkedRegistrations...] {
                    let profile = try await server.read("/users/\(registration.id)/public", after: seen.maxPosition)
                    #expect(profile.status == 200, "round \(round): acknowledged registration \(registration.id) at \(registration.position) is missing: \(profile)")
                }
                checkedRegistrations = seen.registrations.count
                for worker in 0..<workers {
                    let revision: Int
                    if worker == workers - 1 {
                        let detail = try await server.read("/communities/\(community)", token: accounts[worker].accessToken, after: seen.maxPosition)
                        revision = detail.object["postCount"] as? Int ?? -1
                    } else {
                        let profile = try await server.read("/users/\(accounts[worker].id)/public", after: seen.maxPosition)
                        revision = (profile.object["bio"] as? String).flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
                    }
                    // Posts are counted (at least every acknowledged one, at most every one sent);
                    // a bio holds the label of one revision (the last acknowledged or a later one).
                    let acknowledged = worker == workers - 1 ? seen.postPositions.count : seen.acknowledged[worker] ?? 0
                    let sent = seen.sent[worker] ?? 0
                    #expect(revision >= acknowledged && revision <= sent,
                            "round \(round) worker \(worker): read model at \(revision), acknowledged \(acknowledged), sent \(sent)")
                }
                let verify = try await server.verify()
                #expect(verify.status == 0, "round \(round): verify after SIGKILL: \(verify.output)")
            }

            // Exactly once: the read models kept live across every kill equal a rebuild from the log.
            let final = ledger.state.withLock { $0 }
            #expect(final.acknowledgements >= EndToEnd.crashRounds && !final.registrations.isEmpty,
                    "too little load to mean anything: \(final.acknowledgements) acknowledgements, \(final.registrations.count) registrations")
            print("crash safety: \(EndToEnd.crashRounds) SIGKILLs, \(final.acknowledgements) acknowledged commands, \(final.registrations.count) registrations")
            await server.stop()
            let trail = try await server.replay()
            let registeredIds = Set(trail.filter { $0["type"] as? String == "identity.account-registered" }.compactMap { $0["stream"] as? String })
            for registration in final.registrations {
                #expect(registeredIds.contains("account-\(registration.id)"), "acknowledged registration \(registration.id) is not in the log")
            }
            let published = trail.filter { $0["stream"] as? String == "community-\(community)" && $0["type"] as? String == "communities.post-published" }
            #expect(published.count >= final.postPositions.count && published.count <= (final.sent[workers - 1] ?? 0),
                    "\(published.count) posts in the log, \(final.postPositions.count) acknowledged")
            let publishedAt = Set(published.compactMap { ($0["position"] as? NSNumber)?.int64Value })
            let missing = final.postPositions.filter { !publishedAt.contains($0) }
            #expect(missing.isEmpty, "acknowledged posts whose position holds no post in the log: \(missing.prefix(5))")
            let live = try ReadModelDump.dump(dataDirectory: server.dataDirectory)
            let rebuild = try await runBinary(["rebuild", "--data-dir", server.dataDirectory, "--projections", ServerProcess.projectionsDirectory])
            #expect(rebuild.status == 0, "rebuild: \(rebuild.stderr)")
            let rebuilt = try ReadModelDump.dump(dataDirectory: server.dataDirectory)
            #expect(!live.isEmpty)
            let differences = ReadModelDump.differences(live, rebuilt)
            #expect(differences.isEmpty, "read models kept across \(EndToEnd.crashRounds) kills differ from a rebuild:\n\(differences.joined(separator: "\n"))")
            try await server.start()
        }
    }

    /// One client, until cancelled: registrations (worker 0), posts in `community` (the poster), or
    /// profile updates with a revision number in the bio. No answer (the server died) is not an
    /// acknowledgement; the revision counts what was sent.
    private static func work(
        worker: Int, poster: Bool, community: String, account: Account, round: Int, client: HTTPClient, ledger: Ledger
    ) async {
        var token = account.accessToken
        while !Task.isCancelled {
            // Worker 0 registers people (scrypt makes each take a while: many are cut by the kill);
            // the others update their own profiles.
            if worker == 0 {
                let email = uniqueEmail("load\(worker)")
                let body: [String: Any] = ["email": email, "password": testPassword, "firstName": "Load", "lastName": "Test", "role": "student"]
                guard let response = try? await client.send("POST", "/auth/register", json: body) else {
                    try? await Task.sleep(for: .milliseconds(20))
                    continue
                }
                if response.status == 201, let id = response.object["userId"] as? String, let position = response.logPosition {
                    ledger.state.withLock { $0.registrations.append(.init(id: id, position: position, round: round)) }
                    ledger.acknowledged(position: position)
                } else if response.status >= 400 {
                    ledger.state.withLock { $0.refusals.append("register: \(response)") }
                }
                continue
            }
            let revision = ledger.state.withLock { state -> Int in
                let next = (state.sent[worker] ?? 0) + 1
                state.sent[worker] = next
                return next
            }
            let sent = poster
                ? try? await client.send("POST", "/communities/\(community)/posts", json: ["body": "post \(revision)"], token: token)
                : try? await client.send("PUT", "/users/profile", json: ["bio": "worker \(worker) revision \(revision)"], token: token)
            guard let response = sent else {
                try? await Task.sleep(for: .milliseconds(20))
                continue
            }
            if response.status == (poster ? 201 : 204) {
                ledger.state.withLock {
                    $0.acknowledged[worker] = revision
                    if poster { $0.postPositions.append(response.logPosition ?? 0) }
                }
                ledger.acknowledged(position: response.logPosition)
            } else if response.status == 401 {
                // The 15-minute access token ran out (long mode): log in again.
                let login = try? await client.send("POST", "/auth/login", json: ["email": account.email, "password": testPassword])
                if let fresh = login?.object["accessToken"] as? String { token = fresh }
            } else {
                ledger.state.withLock { $0.refusals.append("\(poster ? "post" : "profile"): \(response)") }
            }
        }
    }
}
