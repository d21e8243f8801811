import ArgumentParser
import Cryptography
import Domain
import EventLog
import EventSourcing
import Foundation
import Logging
import Projections
import ReadModels

/// `protalent bench projections`: full rebuild throughput of every projection, and live catch-up
/// latency after one append.
struct BenchProjectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projections",
        abstract: "Rebuild every projection from a generated log of N events, then time live catch-up after single appends."
    )

    @Option(help: "Events in the generated log.") var events: Int = 1_000_000
    @Option(help: "Single appends to time for catch-up.") var appends: Int = 2_000
    @Option(help: "The directory of projection .sql files.") var projections: String = "./projections"
    @Flag(help: "Print one JSON object.") var json = false
    @Option(name: .customLong("data-dir"), help: "Build the log and read models here and keep them (for `protalent rebuild` or a profiler); default: a temporary directory.")
    var dataDirectory: String?
    @Flag(name: .customLong("skip-alone"), help: "Do not rebuild each projection alone after the full rebuild.") var skipAlone = false
    @Option(help: "What the log holds: 'activity' (a working platform: sign-ins, posts, joins, registrations, sessions, a few new items) or 'items' (only new people, mentors, communities, posts, events and scholarships: the costliest events for the read models).")
    var mix: Mix = .activity

    enum Mix: String, ExpressibleByArgument, CaseIterable {
        case activity, items

        var corpus: PlatformCorpus.Mix { self == .activity ? PlatformCorpus.activity : PlatformCorpus.documents }
        var description: String {
            switch self {
            case .activity: "platform activity (per ~108 events: 24 token refreshes, 14 sign-in, 15 new accounts with profiles, 6 profile edits, 15 posts, 8 joins, 8 event registrations, 15 of 2 mentoring sessions, a few new items)"
            case .items: "new items only (per 20: 8 people with profiles, 1 mentor, 1 community, 5 posts, 2 events, 3 scholarships)"
            }
        }
    }

    func validate() throws {
        guard events >= 1_000, appends >= 1 else { throw ValidationError("--events must be at least 1000 and --appends at least 1") }
    }

    func run() async throws {
        let scratch = dataDirectory.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("protalent-bench-projections-\(UUID().uuidString)")
        defer { if dataDirectory == nil { try? FileManager.default.removeItem(at: scratch) } }
        var options = EventLogOptions()
        options.durability = .unsafeNoSync // generating the log is set-up, not what is measured
        let log = try EventLog.open(directory: scratch.path + "/log", options: options)
        defer { log.close() }
        // Personal data is encrypted as the server writes it, and revealed by the runners with the keys.
        let keys = try KeyStore(dataDirectory: scratch, environment: [:])
        var corpus = PlatformCorpus(seed: 11, codec: EventCodec(cipher: KeyStoreCipher(keyStore: keys)),
                                    now: Date(timeIntervalSince1970: 1_795_000_000), mix: mix.corpus)
        try await corpus.generate(events: events, into: log, progress: !json && isatty(STDERR_FILENO) == 1)
        let total = log.head
        var logger = Logger(label: "protalent.bench")
        logger.logLevel = .warning
        let set = try ProjectionSet(projectionsDirectory: URL(fileURLWithPath: projections), dataDirectory: scratch,
                                    log: log, keyStore: keys, logger: logger)

        // The log was written without fsync: have the kernel write it back now, not while the
        // rebuild is timed (set-up, as `protalent rebuild` on a log written earlier would find it).
        sync()

        // Full rebuild of every projection together, as `protalent rebuild` and the server do.
        let started = ContinuousClock.now
        try await set.rebuild()
        let rebuildSeconds = (ContinuousClock.now - started).seconds
        // Then each alone, to see which one bounds the whole.
        var perProjection: [String: Double] = [:]
        if !skipAlone {
            for runner in set.runners {
                let begin = ContinuousClock.now
                try await set.rebuild([runner.projection.name])
                perProjection[runner.projection.name] = Double(total) / (ContinuousClock.now - begin).seconds
            }
        }

        // Live catch-up: runners follow the log; each durable append of the next action of the mix
        // is timed until every model has it.
        let live = Task { try await set.run() }
        var samples: [Double] = []
        var appended: [Double] = [] // the durable append alone
        var totals: [Double] = [] // both
        for _ in 0..<appends {
            while corpus.pendingEvents == 0 { try corpus.step() }
            let action = corpus.takeAppends()
            let begin = ContinuousClock.now
            let result = try await log.append(action)
            let acknowledged = ContinuousClock.now
            _ = await set.waitUntil(position: result.lastPosition, timeout: .seconds(5))
            let applied = ContinuousClock.now
            samples.append((applied - acknowledged).seconds * 1_000)
            appended.append((acknowledged - begin).seconds * 1_000)
            totals.append((applied - begin).seconds * 1_000)
        }
        live.cancel()
        try await live.value // run() returns once cancelled
        func percentile(_ values: [Double], _ p: Int) -> Double {
            let sorted = values.sorted()
            return sorted[min(sorted.count - 1, sorted.count * p / 100)]
        }
        let (p50, p99) = (percentile(samples, 50), percentile(samples, 99))
        let (appendP50, appendP99) = (percentile(appended, 50), percentile(appended, 99))
        let (totalP50, totalP99) = (percentile(totals, 50), percentile(totals, 99))
        let rate = Double(total) / rebuildSeconds
        if json {
            let perJSON = perProjection.keys.sorted().map { "\"\($0)\":\(perProjection[$0]!)" }.joined(separator: ",")
            print("{\"events\":\(total),\"mix\":\"\(mix.rawValue)\",\"eventsPerSecond\":\(rate),\"seconds\":\(rebuildSeconds),\"perProjection\":{\(perJSON)},"
                  + "\"catchUpP50Millis\":\(p50),\"catchUpP99Millis\":\(p99),\"appendP50Millis\":\(appendP50),\"appendP99Millis\":\(appendP99),\"totalP50Millis\":\(totalP50),\"totalP99Millis\":\(totalP99),\"projections\":\(set.runners.count)}")
            return
        }
        print("conditions: \(total) events of \(mix.description), made by the real deciders and codec with personal data encrypted, "
              + "\(set.runners.count) projections from \(projections), all rebuilt together (one read of the log, \(ProcessInfo.processInfo.activeProcessorCount) cores), then each alone; catch-up on the next actions of the same mix")
        print("full rebuild: \(formatted(rate, digits: 0)) events/s (\(formatted(rebuildSeconds, digits: 2)) s for all projections)")
        for name in perProjection.keys.sorted() { print("  \(name) alone: \(formatted(perProjection[name]!, digits: 0)) events/s") }
        print("catch-up after one durable append (from its acknowledgement until every model applied it), over \(appends) appends: "
              + "p50 \(formatted(p50, digits: 2)) ms, p99 \(formatted(p99, digits: 2)) ms")
        print("  the durable append before it: p50 \(formatted(appendP50, digits: 2)) ms, p99 \(formatted(appendP99, digits: 2)) ms; "
              + "both together: p50 \(formatted(totalP50, digits: 2)) ms, p99 \(formatted(totalP99, digits: 2)) ms")
        // The aims this command was written against (issue #4), printed beside the figures.
        print("aims: full rebuild >= 100,000 events/s: \(rate >= 100_000 ? "met" : "not met") (\(formatted(rate / 100_000, digits: 2))x); "
              + "catch-up p99 < 5 ms: \(p99 < 5 ? "met" : "not met") (after the acknowledgement), \(totalP99 < 5 ? "met" : "not met") (with the append)")
    }
}
