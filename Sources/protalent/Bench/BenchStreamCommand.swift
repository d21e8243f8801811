import ArgumentParser
import Domain
import EventLog
import EventSourcing
import Foundation

/// `protalent bench stream`: the time to load one long aggregate stream with and without a snapshot.
struct BenchStreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Load a long community stream (real Communities decider) with and without its snapshot."
    )

    @Option(help: "Events in the stream.") var events: Int = 10_000
    @Option(help: "Loads to time for each mode.") var repetitions: Int = 20
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard events >= 2, repetitions >= 1 else { throw ValidationError("--events must be at least 2 and --repetitions at least 1") }
    }

    func run() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("protalent-bench-stream-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var logOptions = EventLogOptions()
        logOptions.durability = .unsafeNoSync // set-up only: the figures below are load times
        let directory = try DataDirectory.open(scratch, snapshotInterval: 100, logOptions: logOptions)
        defer { directory.log.close() }

        // Build the stream through the real decider: a community, then posts by its owner (the store
        // snapshots every 100 events while building, or building would be quadratic).
        let owner = UUID()
        let stream = "community-\(UUID().uuidString.lowercased())"
        var workload = Workload(seed: 7)
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        _ = try await directory.store.handle(
            .create(communityID: UUID(), .init(name: "Étudiants de Dakar", category: .country, countryCode: "SN", isPrivate: false),
                    by: .user(owner, .mentor), now: start),
            to: Communities.self, stream: stream
        )
        var progress = Progress()
        for i in 1..<events {
            _ = try await directory.store.handle(
                .post(postID: UUID(), title: workload.sentence(4), body: workload.sentence(40), by: .user(owner, .mentor), now: start.addingTimeInterval(Double(i))),
                to: Communities.self, stream: stream
            )
            progress.update("building stream: \(i + 1)/\(events) events")
        }
        progress.finish()

        func time(useSnapshot: Bool) throws -> (median: Double, eventsRead: Int) {
            var samples: [Double] = []
            var eventsRead = 0
            for _ in 0..<repetitions {
                let begin = ContinuousClock.now
                let loaded = try directory.store.load(Communities.self, stream: stream, useSnapshot: useSnapshot)
                samples.append((ContinuousClock.now - begin).seconds * 1_000)
                eventsRead = loaded.eventsRead
            }
            return (samples.sorted()[samples.count / 2], eventsRead)
        }
        let full = try time(useSnapshot: false)
        try directory.store.snapshotAll(Communities.self, streamPrefix: "community-", minimumEvents: 1)
        // A few events after the snapshot, as in real use.
        for i in 0..<3 {
            _ = try await directory.store.handle(
                .post(postID: UUID(), title: nil, body: workload.sentence(20), by: .user(owner, .mentor), now: start.addingTimeInterval(Double(events + i))),
                to: Communities.self, stream: stream
            )
        }
        let snap = try time(useSnapshot: true)
        if json {
            print("{\"events\":\(events + 3),\"withoutSnapshotMillis\":\(full.median),\"withSnapshotMillis\":\(snap.median),"
                  + "\"eventsReadWithout\":\(full.eventsRead),\"eventsReadWith\":\(snap.eventsRead)}")
        } else {
            print("conditions: one community stream of \(events) events (+3 after the snapshot), real Communities decider and codec, median of \(repetitions) loads")
            print("without snapshot: \(formatted(full.median, digits: 2)) ms (\(full.eventsRead) events read and folded)")
            print("with snapshot:    \(formatted(snap.median, digits: 2)) ms (\(snap.eventsRead) events read after the snapshot)")
        }
    }
}
