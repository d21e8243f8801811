import ArgumentParser
import Cryptography
import Domain
import EventLog
import EventSourcing
import Foundation
import Logging
import ReadModels

/// `protalent bench projections`: full rebuild throughput of every projection, and live catch-up
/// latency after one append.
struct BenchProjectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projections",
        abstract: "Rebuild every projection from a generated log of N events, then time live catch-up after single appends."
    )

    @Option(help: "Events in the generated log.") var events: Int = 1_000_000
    @Option(help: "Single appends to time for catch-up.") var appends: Int = 200
    @Option(help: "The directory of projection .sql files.") var projections: String = "./projections"
    @Flag(help: "Print one JSON object.") var json = false
    @Option(name: .customLong("data-dir"), help: "Build the log and read models here and keep them (for `protalent rebuild` or a profiler); default: a temporary directory.")
    var dataDirectory: String?
    @Flag(name: .customLong("skip-alone"), help: "Do not rebuild each projection alone after the full rebuild.") var skipAlone = false

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
        try await generate(into: log)
        var logger = Logger(label: "protalent.bench")
        logger.logLevel = .warning
        let set = try ProjectionSet(projectionsDirectory: URL(fileURLWithPath: projections), dataDirectory: scratch,
                                    log: log, keyStore: nil, logger: logger)

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
                perProjection[runner.projection.name] = Double(events) / (ContinuousClock.now - begin).seconds
            }
        }

        // Live catch-up: runners follow the log; each durable append is timed until every model has it.
        let live = Task { try await set.run() }
        var samples: [Double] = []
        let admin = UUID()
        for i in 0..<appends {
            let event = try scholarshipEvent(index: events + i, admin: admin)
            let begin = ContinuousClock.now
            let result = try await log.append(to: "scholarship-live-\(i)", expectedVersion: .noStream, events: [event])
            _ = await set.waitUntil(position: result.lastPosition, timeout: .seconds(5))
            samples.append((ContinuousClock.now - begin).seconds * 1_000)
        }
        live.cancel()
        try await live.value // run() returns once cancelled
        samples.sort()
        let p50 = samples[samples.count / 2]
        let p99 = samples[min(samples.count - 1, samples.count * 99 / 100)]
        let rate = Double(events) / rebuildSeconds
        if json {
            let perJSON = perProjection.keys.sorted().map { "\"\($0)\":\(perProjection[$0]!)" }.joined(separator: ",")
            print("{\"events\":\(events),\"eventsPerSecond\":\(rate),\"seconds\":\(rebuildSeconds),\"perProjection\":{\(perJSON)},"
                  + "\"catchUpP50Millis\":\(p50),\"catchUpP99Millis\":\(p99),\"projections\":\(set.runners.count)}")
            return
        }
        print("conditions: \(events) events (25% scholarships.* through the real decider and codec, 75% other types), "
              + "\(set.runners.count) projections from \(projections), all rebuilt together (one read of the log, \(ProcessInfo.processInfo.activeProcessorCount) cores), then each alone")
        print("full rebuild: \(formatted(rate, digits: 0)) events/s (\(formatted(rebuildSeconds, digits: 2)) s for all projections)")
        for name in perProjection.keys.sorted() { print("  \(name) alone: \(formatted(perProjection[name]!, digits: 0)) events/s") }
        print("catch-up after one durable append (append + every model applied it): p50 \(formatted(p50, digits: 2)) ms, "
              + "p99 \(formatted(p99, digits: 2)) ms over \(appends) appends")
    }

    private func scholarshipEvent(index: Int, admin: UUID) throws -> ProposedEvent {
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let details = Scholarships.Details(
            title: "Bourse \(index)", description: "Financement pour étudiants: promotion \(index % 97).", provider: "Fondation \(index % 13)",
            amount: Money(amount: "\(1000 + index % 9000).00", currency: "EUR"), deadline: now.addingTimeInterval(86_400 * 60),
            eligibility: .init(educationLevels: [.master], countries: index % 2 == 0 ? ["SN", "CI"] : [], requirements: ["Dossier"])
        )
        let decided = try Scholarships.decide(.create(scholarshipID: UUID(), details, by: .user(admin, .admin), now: now), Scholarships.initialState)
        return try EventCodec().encode(decided[0], eventId: SecureRandom.uuid(), metadata: EventMetadata(actor: admin.uuidString.lowercased()))
    }

    /// Appends `events` events in chunks of 1,000 (each a multi-stream append).
    private func generate(into log: EventLog) async throws {
        var workload = Workload(seed: 11)
        let admin = UUID()
        var progress = Progress()
        var index = 0
        while index < events {
            var appends: [StreamAppend] = []
            for _ in 0..<min(1_000, events - index) {
                let event: ProposedEvent
                if index % 4 == 0 {
                    event = try scholarshipEvent(index: index, admin: admin)
                } else {
                    let template = workload.event()
                    event = ProposedEvent(type: template.type, metadata: EventMetadata(actor: "bench"), payload: template.payload)
                }
                appends.append(StreamAppend(stream: "bench-\(index)", expectedVersion: .noStream, events: [event]))
                index += 1
            }
            _ = try await log.append(appends)
            progress.update("generating: \(index)/\(events) events")
        }
        progress.finish()
    }
}
