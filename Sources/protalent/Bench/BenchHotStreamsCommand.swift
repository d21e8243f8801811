import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore

/// `protalent bench hot-streams`: a registration rush on one event and a burst of posts in one
/// community, against the same requests spread over many events and communities, in one run on
/// one server process over HTTP.
struct BenchHotStreamsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hot-streams",
        abstract: "A rush on one event and one community vs the same requests spread over many, in the same run.",
        discussion: """
        Starts this binary's `serve` on a temporary directory, signs --people students up, then has them \
        register --in-flight at a time for one of --in-flight events each (spread), then all for one event \
        (hot); then --in-flight of them post for --seconds into their own communities, then --in-flight posts at a \
        time go into one community (all by its owner: the domain limits newcomers' posts).
        """
    )

    @Option(help: "Students who register (each once per phase).") var people = 512
    @Option(name: .customLong("in-flight"), help: "Requests in flight, and events/communities of the spread phases.") var inFlight = 64
    @Option(help: "Seconds of each posting phase.") var seconds: Double = 10
    @Option(name: .customLong("projections"), help: "The directory of .sql projections.") var projectionsDirectory = "./projections"

    func validate() throws {
        guard people > 0, inFlight > 0, inFlight <= people, seconds > 0 else {
            throw ValidationError("--people, --in-flight and --seconds must be positive, --in-flight at most --people")
        }
    }

    func run() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("protalent-bench-hot-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: inFlight + 8)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let node = try ClusterUnderTest(directory: scratch, replicas: 0, syncReplicas: 0, projections: projectionsDirectory)
        do {
            try node.start()
            try await measure(BenchClient(client: client), server: node.primary.url)
        } catch {
            node.stop()
            try? await client.shutdown()
            throw error
        }
        node.stop()
        try await client.shutdown()
    }

    private func measure(_ http: BenchClient, server: String) async throws {
        let run = UUID().uuidString.prefix(8).lowercased()
        let mentor = try await http.signUp(server, email: "bench-mentor-\(run)@bench.protalent.app", role: "mentor")
        func createEvent(_ title: String, capacity: Int) async throws -> String {
            let start = Date().addingTimeInterval(7 * 86_400)
            let created = try await http.send("POST", server + "/events", json: [
                "title": title, "description": "Bench", "eventType": "webinar", "isOnline": true, "meetingUrl": "https://meet.example.org/bench",
                "startDate": start.ISO8601Format(), "endDate": start.addingTimeInterval(7_200).ISO8601Format(), "maxParticipants": capacity,
            ], token: mentor)
            guard let id = created["eventId"] as? String else { throw BenchError("create event: \(created)") }
            return id
        }
        var events: [String] = []
        for index in 0..<inFlight { events.append(try await createEvent("Webinaire \(index)", capacity: people)) }
        let spreadEvents = events
        // A quarter of the rush gets a seat, the rest a waitlist place: both paths of the decider.
        let seats = max(1, people / 4)
        let hotEvent = try await createEvent("Le webinaire que tout le monde veut", capacity: seats)
        let tokens = try await InFlightRequests(count: people, inFlight: 8).collect { index in
            try await http.signUp(server, email: "bench-\(run)-\(index)@bench.protalent.app")
        }

        #if DEBUG
        let build = "debug build"
        #else
        let build = "release build"
        #endif
        print("conditions: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(build), one server process on loopback, "
              + "\(inFlight) requests in flight, fsync per group commit")
        let spread = try await InFlightRequests(count: people, inFlight: inFlight).measure { index in
            try await http.send("POST", "\(server)/events/\(spreadEvents[index % inFlight])/register", token: tokens[index])
        }
        print("registrations over \(inFlight) events: \(spread.summary)")
        var places: [Int] = []
        let hot = try await InFlightRequests(count: people, inFlight: inFlight).measure { index in
            try await http.send("POST", "\(server)/events/\(hotEvent)/register", token: tokens[index])
        } inspect: { answer in
            if let place = answer["waitlistPosition"] as? Int { places.append(place) }
        }
        let exact = places.sorted() == (people > seats ? Array(1...(people - seats)) : [])
        print("registrations for one event: \(hot.summary); waitlist \(exact ? "exact" : "NOT exact") (\(places.count) places)")
        print("one event vs spread: \(formatted(100 * hot.perSecond / max(spread.perSecond, 1e-9), digits: 0)) %")

        let writers = Array(tokens.prefix(inFlight))
        let own = try await InFlightRequests(count: inFlight, inFlight: 8).collect { index in
            try await http.createCommunity(server, token: writers[index], name: "Cercle \(run) \(index)")
        }
        // Into one community, every post is its owner's: members who joined minutes ago may publish
        // only a few posts (the domain's newcomer rule), which would measure that rule instead.
        let shared = own[0]
        let post = { @Sendable (community: String, token: String, index: Int) in
            try await http.send("POST", "\(server)/communities/\(community)/posts", json: ["title": "Charge", "body": "Message \(index)"], token: token)
        }
        let spreadPosts = try await InFlightRequests(count: .max, inFlight: inFlight, seconds: seconds).measure { index in
            try await post(own[index % inFlight], writers[index % inFlight], index)
        }
        print("posts into \(inFlight) communities: \(spreadPosts.summary)")
        let hotPosts = try await InFlightRequests(count: .max, inFlight: inFlight, seconds: seconds).measure { index in
            try await post(shared, writers[0], index)
        }
        print("posts into one community: \(hotPosts.summary)")
        print("one community vs spread: \(formatted(100 * hotPosts.perSecond / max(spreadPosts.perSecond, 1e-9), digits: 0)) %")
    }
}

/// A closed loop: `inFlight` workers take the next index until `count` requests were sent or
/// `seconds` passed.
struct InFlightRequests {
    var count: Int
    var inFlight: Int
    var seconds: Double = .infinity

    /// What a measured loop answered.
    struct Figures {
        var statuses: [Int: Int]
        var elapsed: Double
        var latenciesNanos: [Int64]

        var perSecond: Double { Double(statuses.filter { (200..<300).contains($0.key) }.values.reduce(0, +)) / elapsed }

        var summary: String {
            let sorted = latenciesNanos.sorted()
            func p(_ q: Double) -> Double { sorted.isEmpty ? 0 : Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]) / 1e6 }
            let statusText = statuses.sorted { $0.key < $1.key }.map { "\($1)× \($0)" }.joined(separator: ", ")
            return "\(formatted(perSecond, digits: 0)) acknowledged/s (\(statusText) in \(formatted(elapsed, digits: 2)) s), "
                + "latency p50 \(formatted(p(0.5), digits: 1)) ms, p99 \(formatted(p(0.99), digits: 1)) ms"
        }
    }

    /// Runs `body` for every index, keeping the results in index order.
    func collect<Value: Sendable>(_ body: @escaping @Sendable (Int) async throws -> Value) async throws -> [Value] {
        let next = SharedCounter()
        let results = try await withThrowingTaskGroup(of: [(Int, Value)].self) { group in
            for _ in 0..<min(inFlight, count) {
                group.addTask {
                    var mine: [(Int, Value)] = []
                    while case let index = next.add(1), index < count { mine.append((index, try await body(index))) }
                    return mine
                }
            }
            return try await group.reduce(into: [(Int, Value)]()) { $0 += $1 }
        }
        return results.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// Runs `body` until done, timing each request; `inspect` sees every answer (on one task).
    func measure(
        _ body: @escaping @Sendable (Int) async throws -> BenchClient.Answer, inspect: (BenchClient.Answer) -> Void = { _ in }
    ) async throws -> Figures {
        let next = SharedCounter()
        let deadline = seconds.isFinite ? ContinuousClock.now + .milliseconds(Int64(seconds * 1_000)) : nil
        let started = ContinuousClock.now
        let answers = try await withThrowingTaskGroup(of: [(BenchClient.Answer, Int64)].self) { group in
            for _ in 0..<inFlight {
                group.addTask {
                    var mine: [(BenchClient.Answer, Int64)] = []
                    while case let index = next.add(1), index < count {
                        if let deadline, ContinuousClock.now >= deadline { break }
                        let start = ContinuousClock.now
                        let answer = try await body(index)
                        let elapsed = ContinuousClock.now - start
                        mine.append((answer, elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000))
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [(BenchClient.Answer, Int64)]()) { $0 += $1 }
        }
        let elapsed = (ContinuousClock.now - started).seconds
        var statuses: [Int: Int] = [:]
        for (answer, _) in answers {
            statuses[answer.status, default: 0] += 1
            inspect(answer)
        }
        return Figures(statuses: statuses, elapsed: elapsed, latenciesNanos: answers.map(\.1))
    }
}
