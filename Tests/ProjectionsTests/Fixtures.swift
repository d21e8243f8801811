import Foundation
import GRDB
import Projections
import ProjectionsTestSupport
import Synchronization
import Testing

/// A projection of every event, so a set holds two independent models of the same log.
let everyEventProjection = """
    -- @schema
    CREATE TABLE seen (position INTEGER PRIMARY KEY, type TEXT NOT NULL, stream TEXT NOT NULL, n INTEGER);
    CREATE INDEX seen_by_type ON seen (type, position);
    -- @on *
    INSERT INTO seen (position, type, stream, n) VALUES (:position, :type, :stream, :p_n);
    """

/// Every row of every table of a read model, as text, for comparing models.
func dump(_ storage: SQLiteProjectionStorage) throws -> [String] {
    try storage.read { db in
        var lines: [String] = []
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        for table in tables {
            for row in try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\" ORDER BY 1") {
                lines.append("\(table): \(row.description)")
            }
        }
        return lines
    }
}

/// Runs `runner` until it reports a failure, and returns it (an issue when none comes).
func failureWhileRunning(_ runner: ProjectionRunner) async throws -> ProjectionFailure {
    let failed = try await whileRunning(runner) { await runner.waitUntil(timeout: patience) { $0.failure != nil } }
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
