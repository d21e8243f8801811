public import EventLog
public import EventSourcing
public import Foundation
public import Projections
public import TestSupport

/// A data directory with a real log and key store, and helpers to run SQL-file projections on it.
public final class ReadModelFixture: Sendable {
    /// The data directory (removed by `close()`).
    public let data: TemporaryDirectory
    /// The data keys of the personal data appended.
    public let keys: KeyStore
    /// The log under `data`.
    public let log: EventLog

    /// Opens a log and a key store in a new temporary data directory.
    public init(_ label: String = "readmodels", options: EventLogOptions = LogFixtures.options()) throws {
        data = try TemporaryDirectory(label)
        keys = try KeyStore(dataDirectory: data.url, environment: [:])
        log = try EventLog.open(directory: data.path + "/log", options: options)
    }

    /// Where the read models go.
    public var readModels: URL { data.url.appendingPathComponent("readmodels") }

    /// A projection named `name` from `source`, as if read from `projections/<name>.sql`.
    public func projection(_ name: String, _ source: String) throws -> Projection {
        try Projection(name: name, source: Array(source.utf8), file: "\(name).sql")
    }

    /// A storage and a runner for `projection`.
    public func runner(_ projection: Projection, batchSize: Int = 1_000) throws -> (SQLiteProjectionStorage, ProjectionRunner) {
        let storage = try SQLiteProjectionStorage(projection: projection, directory: readModels)
        return (storage, try ProjectionRunner(storage: storage, log: log, keyStore: keys, batchSize: batchSize))
    }

    /// Appends `count` events of `type` to `stream`, payload `{"n": i}`; returns the last position.
    @discardableResult
    public func append(_ count: Int, type: String = "test.counted", stream: String = "s", actor: String = "tester", from first: Int = 1) async throws -> Int64 {
        var events: [ProposedEvent] = []
        for i in first..<(first + count) {
            events.append(ProposedEvent(type: type, metadata: EventMetadata(actor: actor), payload: Array("{\"n\":\(i)}".utf8)))
        }
        return try await log.append(to: stream, events: events).lastPosition
    }

    /// Closes the log and removes the data directory.
    public func close() {
        log.close()
        data.remove()
    }
}

/// Runs `runner.run()` in a task until `body` returns, then cancels it.
public func whileRunning<T>(_ runner: ProjectionRunner, _ body: () async throws -> T) async throws -> T {
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
public let patience: Duration = .seconds(120)
