import Foundation
import Testing
import TestSupport

/// Failover with real processes: a replica promoted over HTTP takes commands and the other replica
/// follows it; the former primary, restarted, is fenced (refuses commands, never appends); `rejoin`
/// cuts its unreplicated tail, reporting each event, and it then follows byte for byte. And the
/// issue's chaos test: with `--sync-replicas 1`, SIGKILL the primary under load, promote, and no
/// acknowledged command is lost while retried ones take effect once.
@Suite(.serialized) struct FailoverEndToEndTests {
    /// The body of `POST /communities` creating `name`.
    static func community(_ name: String) -> [String: Any] {
        ["name": name, "description": "Failover test community", "category": "academic", "countryCode": "SN", "city": "Dakar", "isPrivate": false]
    }

    @Test(.timeLimit(.minutes(8)))
    func aPromotedReplicaTakesOverTheFormerPrimaryIsFencedAndRejoinsByteForByte() async throws {
        let directory = try TemporaryDirectory("protalent-e2e-failover")
        defer { directory.remove() }
        let cluster = try Cluster(in: directory.path, count: 3)
        let (a, b, c) = (cluster.nodes[0], cluster.nodes[1], cluster.nodes[2])
        defer {
            for node in cluster.nodes { node.removeFiles() }
        }
        do {
            // A is the first primary: promoted offline before its first start (epoch 1).
            let promoted = try await cluster.promoteOffline(a)
            #expect(promoted.contains("promoted: epoch 1"), "\(promoted)")
            try await a.start()
            let admin = try await a.bootstrapAdmin()
            try await b.start()
            try await c.start()
            let account = try await a.signUp(uniqueEmail("failover"), firstName: "Aminata", lastName: "Ndiaye")
            let before = try await a.client.send("PUT", "/users/profile", json: ["bio": "before the failover"], token: account.accessToken)
            #expect(before.status == 204, "\(before)")
            let beforePosition = try #require(before.logPosition)
            for replica in [b, c] {
                let profile = try await replica.read("/users/profile", token: account.accessToken, after: beforePosition)
                #expect(profile.text.contains("before the failover"), "\(profile)")
            }

            // An unreplicated tail: with both replicas stopped, A acknowledges alone (--sync-replicas 0).
            // Stopped, not frozen: a frozen replica's socket still receives what A sends, and it
            // writes that once continued, so the tail would not be A's alone.
            await b.stop()
            await c.stop()
            for index in 0..<3 {
                let alone = try await a.client.send("PUT", "/users/profile", json: ["bio": "only on A \(index)"], token: account.accessToken)
                #expect(alone.status == 204, "\(alone)")
            }
            let formerHead = try await a.logHead()
            await a.kill()
            try await b.start()
            try await c.start()

            // B is promoted over HTTP at epoch 2 and takes commands; C, listing every node, follows it.
            let promotion = try await cluster.promote(b, admin: admin)
            #expect(promotion.status == 200 && (promotion.object["epoch"] as? NSNumber)?.int64Value == 2, "\(promotion)")
            let again = try await cluster.promote(b, admin: admin)
            #expect(again.status == 409 && again.isProblem, "a primary is not promoted again: \(again)")
            let after = try await b.client.send("PUT", "/users/profile", json: ["bio": "after the failover"], token: account.accessToken)
            #expect(after.status == 204, "\(after)")
            let afterPosition = try #require(after.logPosition)
            let followed = try await c.read("/users/profile", token: account.accessToken, after: afterPosition)
            #expect(followed.text.contains("after the failover"), "C does not follow the new primary: \(followed)")
            let redirected = try await c.client.send("PUT", "/users/profile", json: ["bio": "via C"], token: account.accessToken)
            #expect(redirected.status == 307 && redirected.headers["location"] == cluster.url(b) + "/users/profile", "\(redirected)")
            let status = try await b.client.send("GET", "/admin/replication", token: admin.accessToken)
            #expect(status.object["role"] as? String == "primary" && (status.object["epoch"] as? NSNumber)?.int64Value == 2, "\(status)")

            // A, restarted as it was, still finds its own epoch in its log; B tells it of epoch 2
            // and it fences itself: reads only, commands refused, nothing appended.
            try await a.start()
            #expect(try Cluster.waitForStderr(a, "fenced: run protalent rejoin"), "A was never fenced: \(a.lastStderr.suffix(2_000))")
            let refused = try await a.client.send("PUT", "/users/profile", json: ["bio": "on the fenced node"], token: account.accessToken)
            #expect(refused.status == 503 && (refused.object["type"] as? String)?.hasSuffix("/problems/not-primary") == true, "\(refused)")
            #expect(refused.headers["x-primary-url"] == cluster.url(b), "\(refused.headers)")
            #expect(try await a.logHead() == formerHead, "a fenced node appended")
            let fencedStatus = try await a.client.send("GET", "/admin/replication", token: admin.accessToken)
            #expect(fencedStatus.object["fenced"] as? Bool == true, "\(fencedStatus)")
            await a.stop()

            // Rejoin refuses a node that is not a newer primary, then cuts A's tail and reports it.
            let wrong = try await cluster.rejoin(a, to: c)
            #expect(wrong.status != 0 && wrong.stderr.contains("replica"), "\(wrong)")
            let rejoined = try await cluster.rejoin(a, to: b)
            #expect(rejoined.status == 0, "\(rejoined.stderr)")
            let cutLines = rejoined.stdout.split(separator: "\n").filter { $0.hasPrefix("cut: position ") }
            #expect(cutLines.count >= 3 && rejoined.stdout.contains("cut \(cutLines.count) event(s)"), "\(rejoined.stdout)")
            #expect(cutLines.contains { $0.contains("profiles.") }, "the cut profile updates are named: \(rejoined.stdout)")
            #expect(try await a.verify().status == 0)
            let nothing = try await cluster.rejoin(a, to: b)
            #expect(nothing.status == 0 && nothing.stdout.contains("nothing to cut"), "\(nothing)")

            // A follows B from the cut: it serves B's answers, then holds B's log byte for byte.
            try await a.start()
            let last = try await b.client.send("PUT", "/users/profile", json: ["bio": "A is back"], token: account.accessToken)
            #expect(last.status == 204, "\(last)")
            let lastPosition = try #require(last.logPosition)
            let caughtUp = try await a.read("/users/profile", token: account.accessToken, after: lastPosition)
            #expect(caughtUp.text.contains("A is back") && !caughtUp.text.contains("only on A"), "\(caughtUp)")
            for replica in [a, c] { try await Cluster.converge(replica, with: b, probe: "/users/\(account.id)/public") }
            for node in [a, c, b] { await node.stop() }
            let reference = try Cluster.segments(b)
            #expect(!reference.isEmpty)
            #expect(try Cluster.segments(a) == reference, "the rejoined node's segments differ from the new primary's")
            #expect(try Cluster.segments(c) == reference, "the other replica's segments differ from the new primary's")
        } catch {
            for node in cluster.nodes {
                node.resume()
                await node.kill()
            }
            throw error
        }
    }

    @Test(.timeLimit(.minutes(10)))
    func killingThePrimaryUnderLoadLosesNoAcknowledgedCommandAndRetriesTakeEffectOnce() async throws {
        let long = EndToEnd.long || ProcessInfo.processInfo.environment["PROTALENT_LONG_TESTS"] == "1"
        let rounds = long ? 40 : 10
        let directory = try TemporaryDirectory("protalent-e2e-chaos")
        defer { directory.remove() }
        // Info logs: the test waits for the primary's "a replica connected".
        let cluster = try Cluster(
            in: directory.path, count: 2, arguments: ["--sync-replicas", "1", "--sync-timeout", "2s"],
            environment: ["PROTALENT_LOG_LEVEL": "info"]
        )
        defer {
            for node in cluster.nodes { node.removeFiles() }
        }
        do {
            var (primary, replica) = (cluster.nodes[0], cluster.nodes[1])
            _ = try await cluster.promoteOffline(primary)
            try await primary.start()
            // The replica first: with --sync-replicas 1 the primary acknowledges nothing without it.
            try await replica.start()
            #expect(try Cluster.waitForStderr(primary, "a replica connected"), "\(primary.lastStderr.suffix(2_000))")
            let email = uniqueEmail("admin")
            let signedUp = try await primary.signUp(email, firstName: "Fatou", lastName: "Sarr")
            await primary.stop()
            try await primary.start(extraArguments: ["--bootstrap-admin", email])
            #expect(try Cluster.waitForStderr(primary, "a replica connected"), "\(primary.lastStderr.suffix(2_000))")
            let admin = try await primary.logIn(email, id: signedUp.id)
            let account = try await primary.signUp(uniqueEmail("chaos"), firstName: "Moussa", lastName: "Fall")
            var acknowledged: [Acknowledged] = []
            var retried = 0

            for round in 0..<rounds {
                // A command load on the primary until a random number of acknowledgements, then SIGKILL.
                let load = CommandLoad(node: primary, token: account.accessToken, round: round)
                let target = Int.random(in: 1...12)
                var seen = 0
                var acknowledgements = load.acknowledgements.makeAsyncIterator()
                while seen < target, let ack = await acknowledgements.next() {
                    acknowledged.append(ack)
                    seen += 1
                }
                await primary.kill()
                let killed = ContinuousClock.now
                let outcome = await load.finish(draining: &acknowledgements)
                acknowledged += outcome.acknowledged
                #expect(outcome.unexpected.isEmpty, "round \(round): \(outcome.unexpected)")

                // The replica is promoted; everything acknowledged so far is on it.
                let promotion = try await cluster.promote(replica, admin: admin)
                try #require(promotion.status == 200, "round \(round): \(promotion)")
                let promotedAfter = ContinuousClock.now - killed
                for ack in acknowledged where ack.round == round {
                    let found = try await replica.read("/communities?q=\(ack.name)", token: account.accessToken, after: ack.position)
                    #expect((found.object["items"] as? [[String: Any]])?.count == 1, "round \(round): acknowledged \(ack.name) is lost: \(found)")
                }

                // The former primary rejoins and follows; in-flight commands are retried with their key.
                let rejoined = try await cluster.rejoin(primary, to: replica)
                try #require(rejoined.status == 0, "round \(round): \(rejoined.stderr)")
                try await primary.start()
                for request in outcome.inFlight {
                    var answer = try await replica.client.send(
                        "POST", "/communities", json: Self.community(request.name), headers: ["Idempotency-Key": request.key],
                        token: account.accessToken
                    )
                    for _ in 0..<30 where answer.status == 503 {
                        answer = try await replica.client.send(
                            "POST", "/communities", json: Self.community(request.name), headers: ["Idempotency-Key": request.key],
                            token: account.accessToken
                        )
                    }
                    // 200 `applied`: it took effect before the kill, and its answer was never recorded.
                    let tookEffect = answer.status == 201 || (answer.status == 200 && answer.object["applied"] as? Bool == true)
                    #expect(tookEffect, "round \(round): retrying \(request.name): \(answer)")
                    retried += 1
                }
                let cut = rejoined.stdout.split(separator: "\n").filter { $0.hasPrefix("cut: position ") }.count
                print("failover round \(round): \(seen + outcome.acknowledged.count) acknowledged, \(outcome.inFlight.count) in flight, "
                    + "promoted \(promotedAfter) after SIGKILL, \(cut) unacknowledged event(s) cut on rejoin")
                (primary, replica) = (replica, primary)
            }

            // Every command acknowledged or retried exists exactly once, on both nodes, which hold the same bytes.
            try await Cluster.converge(replica, with: primary, probe: "/users/\(account.id)/public")
            for node in [replica, primary] { await node.stop() }
            let created = try await primary.replay().filter { $0["type"] as? String == "communities.community-created" }
            var counts: [String: Int] = [:]
            for event in created {
                if let name = (event["payload"] as? [String: Any])?["name"] as? String { counts[name, default: 0] += 1 }
            }
            for ack in acknowledged {
                #expect(counts[ack.name] == 1, "\(ack.name) exists \(counts[ack.name] ?? 0) times")
            }
            #expect(counts.values.allSatisfy { $0 == 1 }, "a command took effect twice")
            #expect(!acknowledged.isEmpty && retried + acknowledged.count >= rounds)
            #expect(try Cluster.segments(primary) == Cluster.segments(replica), "the nodes' segments differ")
            #expect(try await primary.verify().status == 0)
        } catch {
            for node in cluster.nodes { await node.kill() }
            throw error
        }
    }
}

/// A command the primary acknowledged: the community it created and the position it answered.
struct Acknowledged: Sendable {
    var round: Int
    var name: String
    var position: Int64
}

/// A command that got no answer (the primary died) or a 503: retried after the failover.
struct InFlight: Sendable {
    var key: String
    var name: String
}

/// Three writers creating communities on a node, each command with its own `Idempotency-Key`,
/// until the node stops answering: every 2xx is reported at once on `acknowledgements`.
final class CommandLoad: @unchecked Sendable {
    // @unchecked: `writers` is set in init and read once by `finish()`, on the test's task.
    let acknowledgements: AsyncStream<Acknowledged>
    private let writers: Task<(acknowledged: [Acknowledged], inFlight: [InFlight], unexpected: [String]), Never>

    init(node: ServerProcess, token: String, round: Int) {
        let (stream, continuation) = AsyncStream.makeStream(of: Acknowledged.self)
        acknowledgements = stream
        let client = node.client
        writers = Task {
            await withTaskGroup(of: (acknowledged: [Acknowledged], inFlight: [InFlight], unexpected: [String]).self) { group in
                for writer in 0..<3 {
                    group.addTask {
                        var inFlight: [InFlight] = []
                        var unexpected: [String] = []
                        var index = 0
                        while true {
                            let name = "fo\(round)x\(writer)x\(index)x\(UUID().uuidString.prefix(8).lowercased())"
                            let key = "chaos-\(name)"
                            index += 1
                            do {
                                let answer = try await client.send(
                                    "POST", "/communities", json: FailoverEndToEndTests.community(name), headers: ["Idempotency-Key": key], token: token
                                )
                                if answer.status == 201, let position = answer.logPosition {
                                    continuation.yield(Acknowledged(round: round, name: name, position: position))
                                } else if answer.status == 503 {
                                    inFlight.append(InFlight(key: key, name: name))
                                } else {
                                    unexpected.append("\(name): \(answer)")
                                    break
                                }
                            } catch {
                                // No answer: the node died with the request in flight.
                                inFlight.append(InFlight(key: key, name: name))
                                break
                            }
                        }
                        return ([], inFlight, unexpected)
                    }
                }
                var all: (acknowledged: [Acknowledged], inFlight: [InFlight], unexpected: [String]) = ([], [], [])
                for await result in group {
                    all.inFlight += result.inFlight
                    all.unexpected += result.unexpected
                }
                continuation.finish()
                return all
            }
        }
    }

    /// Waits for the writers to stop (the node died); returns the acknowledgements not consumed
    /// from the stream, the commands in flight and any unexpected answer.
    func finish(draining iterator: inout AsyncStream<Acknowledged>.Iterator) async -> (
        acknowledged: [Acknowledged], inFlight: [InFlight], unexpected: [String]
    ) {
        var result = await writers.value
        while let ack = await iterator.next() { result.acknowledged.append(ack) }
        return result
    }
}
