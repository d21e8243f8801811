import EventLog
import EventSourcing
import Foundation
import GRDB
import Synchronization
import ReadModels
import TestSupport
import Testing

/// A data directory with a real log and key store, and helpers to run SQL-file projections on it.
final class ReadModelFixture: Sendable {
    let data: TemporaryDirectory
    let keys: KeyStore
    let log: EventLog

    init(_ label: String = "readmodels", options: EventLogOptions = LogFixtures.options()) throws {
        data = try TemporaryDirectory(label)
        keys = try KeyStore(dataDirectory: data.url, environment: [:])
        log = try EventLog.open(directory: data.path + "/log", options: options)
    }

    var readModels: URL { data.url.appendingPathComponent("readmodels") }

    /// A projection named `name` from `source`, as if read from `projections/<name>.sql`.
    func projection(_ name: String, _ source: String) throws -> Projection {
        try Projection(name: name, source: Array(source.utf8), file: "\(name).sql")
    }

    /// A storage and a runner for `projection`.
    func runner(_ projection: Projection, batchSize: Int = 1_000) throws -> (SQLiteProjectionStorage, ProjectionRunner) {
        let storage = try SQLiteProjectionStorage(projection: projection, directory: readModels)
        return (storage, try ProjectionRunner(storage: storage, log: log, keyStore: keys, batchSize: batchSize))
    }

    /// Appends `count` events of `type` to `stream`, payload `{"n": i}`; returns the last position.
    @discardableResult
    func append(_ count: Int, type: String = "test.counted", stream: String = "s", actor: String = "tester", from first: Int = 1) async throws -> Int64 {
        var events: [ProposedEvent] = []
        for i in first..<(first + count) {
            events.append(ProposedEvent(type: type, metadata: EventMetadata(actor: actor), payload: Array("{\"n\":\(i)}".utf8)))
        }
        return try await log.append(to: stream, events: events).lastPosition
    }

    func close() {
        log.close()
        data.remove()
    }
}

/// Runs `runner.run()` in a task until `body` returns, then cancels it.
func whileRunning<T>(_ runner: ProjectionRunner, _ body: () async throws -> T) async throws -> T {
    let task = Task { try await runner.run() }
    defer { task.cancel() }
    let result = try await body()
    task.cancel()
    _ = await task.result
    return result
}

/// How long a test waits for a runner to reach a position: a bound on liveness, not a timing
/// assertion. With the whole suite running at once on two cores and the disk shared with the
/// crash tests, catching up 2,000 events in 75-event commits once took more than 30 s.
let patience: Duration = .seconds(120)

/// Runs `runner` until it reports a failure, and returns it (an issue when none comes).
func failureWhileRunning(_ runner: ProjectionRunner) async throws -> ProjectionFailure {
    let failed = try await whileRunning(runner) { try await eventually { runner.status.failure != nil } }
    #expect(failed, "the runner reported no failure")
    return try #require(runner.status.failure)
}

/// A reader asking `counted(storage)` over and over on its own task until stopped: what queries
/// saw while a model was swapped.
final class CountedReader: Sendable {
    private let stopped = Atomic(false)
    private let task: Mutex<Task<[Counted], Never>?> = Mutex(nil)

    /// Starts reading `storage`.
    func start(_ storage: SQLiteProjectionStorage) {
        let reading = Task.detached { [self] () -> [Counted] in
            var seen: [Counted] = []
            while !stopped.load(ordering: .relaxed) {
                if let answer = try? counted(storage) { seen.append(answer) }
                await Task.yield()
            }
            return seen
        }
        task.withLock { $0 = reading }
    }

    /// Stops reading; returns every answer seen.
    func stop() async -> [Counted] {
        stopped.store(true, ordering: .relaxed)
        guard let reading = task.withLock({ $0 }) else { return [] }
        return await reading.value
    }
}

/// Expects each projection file text to be refused when read, at `line`, with `words` in the message.
func expectRefused(_ cases: [(source: String, line: Int, words: String)]) {
    for (source, line, words) in cases {
        do {
            _ = try Projection(name: "t", source: Array(source.utf8), file: "t.sql")
            Issue.record("accepted \(source)")
        } catch {
            #expect(error.line == line, "\(source)")
            #expect(error.description.contains(words), "\(error.description)")
        }
    }
}
