import Foundation

/// One failover of `protalent bench cluster`: a primary with `--sync-replicas 1` and one replica,
/// writers creating communities on the primary, then a SIGKILL of the primary, and at once, as an
/// operator's script would, `POST /admin/replication/promote` on the replica while a client retries
/// a command there until it is acknowledged.
///
/// It measures the time from the SIGKILL to the promotion's answer and to the first acknowledged
/// command, and checks that every command the dead primary acknowledged is in the promoted log
/// (its position at or before the head the promotion started from).
struct FailoverRound {
    let http: BenchClient
    let directory: String
    let writers: Int
    let seconds: Double
    let projections: String

    struct Result {
        var acknowledged: Int
        var lost: Int
        var promotedAfter: Duration
        var firstCommandAfter: Duration
    }

    func run() async throws -> Result {
        // Set up with --sync-replicas 0 (no replica yet), restarted with 1 for the load.
        let cluster = try ClusterUnderTest(directory: directory, replicas: 1, syncReplicas: 0, projections: projections)
        defer { cluster.stop() }
        let (primary, replica) = (cluster.primary, cluster.replicas[0])
        let run = UUID().uuidString.prefix(8).lowercased()

        // An admin (to promote) and a writer, then the primary restarted with the admin role granted.
        try primary.start()
        let adminEmail = "bench-admin-\(run)@bench.protalent.app"
        _ = try await http.signUp(primary.url, email: adminEmail)
        let writerToken = try await http.signUp(primary.url, email: "bench-writer-\(run)@bench.protalent.app")
        primary.stop()
        if let sync = primary.arguments.firstIndex(of: "--sync-replicas") { primary.arguments[sync + 1] = "1" }
        primary.arguments += ["--bootstrap-admin", adminEmail]
        try primary.start()
        replica.arguments += ["--replica-of", primary.url]
        try replica.start()
        let login = try await http.send("POST", primary.url + "/auth/login", json: ["email": adminEmail, "password": BenchClient.password])
        guard let admin = login["accessToken"] as? String else { throw BenchError("admin login: \(login)") }
        try await waitForReplica(primary.url, admin: admin)

        // The load, until the deadline; every acknowledged position is kept.
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1_000))
        let positions = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var positions: [Int64] = []
                    var index = 0
                    while ContinuousClock.now < deadline {
                        index += 1
                        let answer = try await http.send("POST", primary.url + "/communities", json: community("\(run)-\(writer)-\(index)"),
                                                         token: writerToken)
                        if answer.status == 201, let position = answer.position { positions.append(position) }
                    }
                    return positions
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }

        primary.kill()
        let killed = ContinuousClock.now
        let promotion = Task {
            let answer = try await http.send("POST", replica.url + "/admin/replication/promote", token: admin)
            return (answer, ContinuousClock.now - killed)
        }
        // Until promoted, the replica answers 307 to the dead primary: retried at once, as a client would.
        var firstCommandAfter: Duration?
        var attempt = 0
        while firstCommandAfter == nil {
            attempt += 1
            let answer = try? await http.send("POST", replica.url + "/communities", json: community("\(run)-after-\(attempt)"), token: writerToken)
            if answer?.status == 201 { firstCommandAfter = ContinuousClock.now - killed }
            guard attempt < 100_000 else { throw BenchError("the promoted replica never acknowledged a command: \(answer.map(String.init(describing:)) ?? "no answer")") }
        }
        let (promoted, promotedAfter) = try await promotion.value
        guard promoted.status == 200, let previousHead = (promoted["previousHead"] as? NSNumber)?.int64Value else {
            throw BenchError("promote: \(promoted)")
        }
        return Result(
            acknowledged: positions.count, lost: positions.filter { $0 > previousHead }.count,
            promotedAfter: promotedAfter, firstCommandAfter: firstCommandAfter ?? .zero
        )
    }

    /// Polls the primary's `GET /admin/replication` until its replica is connected.
    private func waitForReplica(_ primary: String, admin: String) async throws {
        for _ in 0..<6_000 {
            let status = try await http.send("GET", primary + "/admin/replication", token: admin)
            if let replicas = status["replicas"] as? [[String: Any]], replicas.contains(where: { $0["connected"] as? Bool == true }) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw BenchError("the replica never connected to \(primary)")
    }

    private func community(_ name: String) -> [String: Any] {
        ["name": "Failover \(name)", "description": "Bench", "category": "interest", "isPrivate": false]
    }
}
