import ArgumentParser
import AsyncHTTPClient
import EventLog
import Foundation
import NIOCore

/// `protalent bench cluster`: a primary and replicas as real processes on loopback, under 64
/// writers sending commands over HTTP — once per `--sync-replicas` setting, in the same run — then
/// an empty replica catching up a large log.
struct BenchClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Command throughput, latency and replica lag with --sync-replicas 0, 1, 2; an empty replica's catch-up.",
        discussion: """
        Starts this binary's `serve` as a primary and --replicas replicas (their own data directories under \
        a temporary directory), registers --writers people who each create a community, and has each post \
        into their own community for --seconds. Replica lag is sampled from every node's /health each 10 ms.
        """
    )

    @Option(help: "Concurrent writers (one person and one community each).") var writers = 64
    @Option(help: "Seconds of load per --sync-replicas setting.") var seconds: Double = 10
    @Option(help: "Replicas to start.") var replicas = 2
    @Option(name: .customLong("sync-replicas"), help: "The --sync-replicas settings to compare, comma-separated.")
    var syncModes = "0,1,2"
    @Option(name: .customLong("catch-up-events"), help: "Events in the log an empty replica catches up (0 skips it).")
    var catchUpEvents = 1_000_000
    @Option(name: .customLong("failovers"), help: "Failovers to time (SIGKILL of a --sync-replicas 1 primary under load, promotion; 0 skips).")
    var failovers = 3
    @Option(name: .customLong("projections"), help: "The directory of .sql projections.") var projectionsDirectory = "./projections"

    func validate() throws {
        guard writers > 0, seconds > 0, replicas >= 0, catchUpEvents >= 0, failovers >= 0 else { throw ValidationError("counts must be positive") }
        guard modes.allSatisfy({ (0...replicas).contains($0) }), !modes.isEmpty else {
            throw ValidationError("--sync-replicas lists settings between 0 and --replicas")
        }
    }

    private var modes: [Int] { syncModes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func run() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("protalent-bench-cluster-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: writers + 8)
        // A replica's 307 is an answer to count, not to follow (to a primary the failover killed).
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            try await measure(BenchClient(client: client), scratch: scratch)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    private func measure(_ http: BenchClient, scratch: String) async throws {
        #if DEBUG
        let build = "debug build"
        #else
        let build = "release build"
        #endif
        print("conditions: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(build), loopback, a primary and \(replicas) replica(s) "
              + "as separate processes; \(writers) writers each posting into their own community for \(formatted(seconds, digits: 0)) s; "
              + "lag sampled every 10 ms from /health")
        for mode in modes {
            let cluster = try ClusterUnderTest(directory: "\(scratch)/sync-\(mode)", replicas: replicas, syncReplicas: mode,
                                               projections: projectionsDirectory)
            defer { cluster.stop() }
            try cluster.start()
            let result = try await CommandLoad(http: http, cluster: cluster, writers: writers, seconds: seconds).run()
            print("sync-replicas \(mode): \(result.summary)")
        }
        for round in 0..<failovers {
            let result = try await FailoverRound(http: http, directory: "\(scratch)/failover-\(round)", writers: min(writers, 16),
                                                 seconds: 2, projections: projectionsDirectory).run()
            print("failover \(round + 1): SIGKILL of the primary under \(min(writers, 16)) writers (--sync-replicas 1) → promotion answered after "
                  + "\(formatted(result.promotedAfter.seconds * 1_000, digits: 1)) ms, first command acknowledged by the new primary after "
                  + "\(formatted(result.firstCommandAfter.seconds * 1_000, digits: 1)) ms; \(result.acknowledged) commands acknowledged "
                  + "before the kill, \(result.lost) of them missing from the promoted log")
        }
        if catchUpEvents > 0 {
            print(try await CatchUp(http: http, directory: "\(scratch)/catch-up", events: catchUpEvents, projections: projectionsDirectory).run())
        }
    }
}

/// A primary and its replicas, sharing a replication secret and the server and master keys.
struct ClusterUnderTest {
    let primary: NodeProcess
    let replicas: [NodeProcess]

    init(directory: String, replicas count: Int, syncReplicas: Int, projections: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let secret = directory + "/replication.secret"
        try Data("bench replication secret \(UUID().uuidString)\n".utf8).write(to: URL(fileURLWithPath: secret))
        func randomKey() -> String { Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString() }
        let environment = [
            "PROTALENT_SERVER_KEY": randomKey(), "PROTALENT_MASTER_KEY": randomKey(),
            "PROTALENT_RATE_LIMITS": "off", "PROTALENT_LOG_LEVEL": "warning",
        ]
        let shared = ["--projections", projections, "--replication-secret-file", secret]
        primary = NodeProcess(dataDirectory: directory + "/primary", arguments: shared + ["--sync-replicas", String(syncReplicas)],
                              environment: environment)
        replicas = (0..<count).map {
            NodeProcess(dataDirectory: "\(directory)/replica-\($0)", arguments: shared, environment: environment)
        }
    }

    func start() throws {
        try primary.start()
        for replica in replicas {
            replica.arguments += ["--replica-of", primary.url]
            try replica.start()
        }
    }

    func stop() {
        for node in [primary] + replicas { node.stop() }
    }
}

/// The writers' phase: sign-ups, one community each, then posts until the time is up, with the
/// heads of every node sampled meanwhile.
struct CommandLoad {
    let http: BenchClient
    let cluster: ClusterUnderTest
    let writers: Int
    let seconds: Double

    struct Result {
        var commands: Int
        var errors: [Int: Int]
        var elapsed: Double
        var latenciesNanos: [Int64]
        var lagEvents: [Int64]
        var lagMillis: [Double]

        var summary: String {
            let sorted = latenciesNanos.sorted()
            let errorText = errors.isEmpty ? "no errors" : errors.sorted { $0.key < $1.key }.map { "\($1)× \($0)" }.joined(separator: ", ")
            return "\(formatted(Double(commands) / elapsed, digits: 0)) commands/s acknowledged (\(commands) in \(formatted(elapsed, digits: 1)) s, "
                + "\(errorText)); latency p50 \(formatted(Double(percentile(sorted, 0.5)) / 1e6, digits: 2)) ms, "
                + "p99 \(formatted(Double(percentile(sorted, 0.99)) / 1e6, digits: 2)) ms; replica lag p50 \(percentile(lagEvents.sorted(), 0.5)) / "
                + "p99 \(percentile(lagEvents.sorted(), 0.99)) events, p50 \(formatted(percentile(lagMillis.sorted(), 0.5), digits: 1)) / "
                + "p99 \(formatted(percentile(lagMillis.sorted(), 0.99), digits: 1)) ms"
        }
    }

    func run() async throws -> Result {
        let primary = cluster.primary.url
        let run = UUID().uuidString.prefix(8).lowercased()
        // Sign-ups hash passwords (scrypt): eight at a time, outside the measured phase.
        var people: [(token: String, community: String)] = []
        try await withThrowingTaskGroup(of: (String, String).self) { group in
            for writer in 0..<writers {
                if writer >= 8, let person = try await group.next() { people.append(person) }
                group.addTask {
                    let token = try await http.signUp(primary, email: "bench-\(run)-\(writer)@bench.protalent.app")
                    return (token, try await http.createCommunity(primary, token: token, name: "Cercle \(run) \(writer)"))
                }
            }
            for try await person in group { people.append(person) }
        }

        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1_000))
        let sampler = Task { try await sampleLag(until: deadline) }
        let started = ContinuousClock.now
        var latencies: [Int64] = []
        var errors: [Int: Int] = [:]
        try await withThrowingTaskGroup(of: ([Int64], [Int: Int]).self) { group in
            for person in people {
                group.addTask {
                    var latencies: [Int64] = []
                    var errors: [Int: Int] = [:]
                    var index = 0
                    while ContinuousClock.now < deadline {
                        index += 1
                        let start = ContinuousClock.now
                        let answer = try await http.send("POST", "\(primary)/communities/\(person.community)/posts",
                                                         json: ["title": "Charge", "body": "Message de charge \(index)"], token: person.token)
                        let elapsed = ContinuousClock.now - start
                        if (200..<300).contains(answer.status) {
                            latencies.append(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
                        } else {
                            errors[answer.status, default: 0] += 1
                        }
                    }
                    return (latencies, errors)
                }
            }
            for try await (some, failures) in group {
                latencies += some
                errors.merge(failures, uniquingKeysWith: +)
            }
        }
        let elapsed = (ContinuousClock.now - started).seconds
        let lag = try await sampler.value
        return Result(commands: latencies.count, errors: errors, elapsed: elapsed, latenciesNanos: latencies,
                      lagEvents: lag.events, lagMillis: lag.millis)
    }

    /// Every 10 ms, every node's head at once: lag in events is the primary's head minus each
    /// replica's; lag in time is how long after a primary head was sampled a replica first held it.
    private func sampleLag(until deadline: ContinuousClock.Instant) async throws -> (events: [Int64], millis: [Double]) {
        let nodes = [cluster.primary.url] + cluster.replicas.map(\.url)
        var samples: [(at: ContinuousClock.Instant, heads: [Int64])] = []
        while ContinuousClock.now < deadline {
            let at = ContinuousClock.now
            let heads = try await withThrowingTaskGroup(of: (Int, Int64).self) { group in
                for (index, node) in nodes.enumerated() { group.addTask { (index, try await http.head(node)) } }
                var heads = [Int64](repeating: 0, count: nodes.count)
                for try await (index, head) in group { heads[index] = head }
                return heads
            }
            samples.append((at, heads))
            try await Task.sleep(until: at + .milliseconds(10))
        }
        var events: [Int64] = []
        var millis: [Double] = []
        for (index, sample) in samples.enumerated() {
            for replica in 1..<max(1, nodes.count) {
                events.append(max(0, sample.heads[0] - sample.heads[replica]))
                if let caught = samples[index...].first(where: { $0.heads[replica] >= sample.heads[0] }) {
                    millis.append((caught.at - sample.at).seconds * 1_000)
                }
            }
        }
        return (events, millis)
    }
}

/// An empty replica catching up a primary whose log holds `events` events written by the log bench.
struct CatchUp {
    let http: BenchClient
    let directory: String
    let events: Int
    let projections: String

    func run() async throws -> String {
        var workload = Workload(seed: 2026)
        let pool = (0..<4_096).map { _ in workload.event() }
        let cluster = try ClusterUnderTest(directory: directory, replicas: 1, syncReplicas: 0, projections: projections)
        defer { cluster.stop() }
        _ = try await LogBenchmark(events: events, writers: 16, batch: 100, durability: .fsync, compressionLevel: 0, ackFile: nil)
            .run(directory: cluster.primary.dataDirectory + "/log", pool: pool, progress: false)
        try cluster.primary.start()
        let head = try await http.head(cluster.primary.url)
        // The primary's own projections first, so that the replica's catch-up has the cores.
        try await waitForModels(cluster.primary.url, at: head)
        let bytes = try FileManager.default.contentsOfDirectory(atPath: cluster.primary.dataDirectory + "/log")
            .filter { $0.hasSuffix(".seg") }
            .reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: "\(cluster.primary.dataDirectory)/log/\($1)")[.size] as? Int) ?? 0) }
        let replica = cluster.replicas[0]
        replica.arguments += ["--replica-of", cluster.primary.url]
        let started = ContinuousClock.now
        try replica.start()
        let listening = ContinuousClock.now - started
        // A bench may poll: each 5 ms until the replica's log holds the primary's head.
        while try await http.head(replica.url) < head { try await Task.sleep(for: .milliseconds(5)) }
        let logCaughtUp = ContinuousClock.now - started
        try await waitForModels(replica.url, at: head)
        let modelsCaughtUp = ContinuousClock.now - started
        return "empty replica: \(head) events (\(formatted(Double(bytes) / 1e6, digits: 0)) MB of segments) — listening after "
            + "\(formatted(listening.seconds, digits: 2)) s, log caught up after \(formatted(logCaughtUp.seconds, digits: 2)) s "
            + "(\(formatted(Double(head) / logCaughtUp.seconds, digits: 0)) events/s), read models after \(formatted(modelsCaughtUp.seconds, digits: 1)) s"
    }

    /// Until `node`'s read models applied `position` (`X-Min-Position` answers 503 after 5 s).
    private func waitForModels(_ node: String, at position: Int64) async throws {
        while try await http.send("GET", node + "/openapi.json", headers: ["X-Min-Position": String(position)]).status == 503 {}
    }
}

private func percentile<T: Numeric & Comparable>(_ sorted: [T], _ p: Double) -> T {
    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}
