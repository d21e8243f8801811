import EventLog
import Foundation
import GRDB
import ReadModels
import TestSupport

/// A projection of every event, so a set holds two independent models of the same log.
let everyEventProjection = """
    -- @schema
    CREATE TABLE seen (position INTEGER PRIMARY KEY, type TEXT NOT NULL, stream TEXT NOT NULL, n INTEGER);
    CREATE INDEX seen_by_type ON seen (type, position);
    -- @on *
    INSERT INTO seen (position, type, stream, n) VALUES (:position, :type, :stream, :p_n);
    """

/// A projections directory and a `ProjectionSet` over the fixture's log.
struct SetFixture {
    let fixture: ReadModelFixture
    let projections: URL

    init(_ files: [String: String], options: EventLogOptions = LogFixtures.options()) throws {
        fixture = try ReadModelFixture("projection-set", options: options)
        projections = fixture.data.url.appendingPathComponent("projections")
        try FileManager.default.createDirectory(at: projections, withIntermediateDirectories: true)
        for (name, source) in files { try write(name, source) }
    }

    func write(_ name: String, _ source: String) throws {
        try Data(source.utf8).write(to: projections.appendingPathComponent("\(name).sql"))
    }

    /// A set writing its models under `data` (default: the fixture's data directory).
    func set(data: URL? = nil, batchSize: Int = 500, pollInterval: Duration = .milliseconds(50)) throws -> ProjectionSet {
        try ProjectionSet(projectionsDirectory: projections, dataDirectory: data ?? fixture.data.url, log: fixture.log,
                          keyStore: fixture.keys, batchSize: batchSize, pollInterval: pollInterval)
    }
}

/// Runs `set` until every projection applied the whole of `log`, then stops it; throws when one
/// stopped short of the head or failed.
func catchUp(_ set: ProjectionSet, _ log: EventLog) async throws {
    let head = log.head
    let task = Task { try await set.run() }
    for runner in set.runners {
        _ = await runner.waitUntil(position: head, timeout: patience)
    }
    task.cancel()
    _ = await task.result
    for status in set.status() where status.failure != nil || status.checkpoint != head {
        throw CaughtUpShort(message: "\(status.name) stopped at \(status.checkpoint) of \(head): \(String(describing: status.failure))")
    }
}

struct CaughtUpShort: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

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

/// Polls `condition` every few milliseconds for up to 30 s (no timing is asserted).
func eventually(_ condition: () throws -> Bool) async throws -> Bool {
    for _ in 0..<6_000 {
        if try condition() { return true }
        try await Task.sleep(for: .milliseconds(5))
    }
    return try condition()
}
