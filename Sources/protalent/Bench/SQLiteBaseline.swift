import Cryptography
import Foundation
import GRDB

/// The baseline the log is compared with: the same workload in an SQLite events table (WAL,
/// synchronous=FULL, one transaction per append, a unique index on (stream, version)), with the
/// same optimistic version check — what a careful team would build first.
struct SQLiteBaseline {
    var events: Int
    var writers: Int
    var batch: Int

    func run(path: String, pool: [(type: String, payload: [UInt8])], progress: Bool) async throws -> BenchFigures {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try await queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS events (
                    position INTEGER PRIMARY KEY AUTOINCREMENT,
                    stream TEXT NOT NULL, version INTEGER NOT NULL, type TEXT NOT NULL,
                    event_id BLOB NOT NULL UNIQUE, timestamp INTEGER NOT NULL, metadata TEXT NOT NULL, payload BLOB NOT NULL,
                    UNIQUE (stream, version))
                """)
        }
        let loop = try await AppendLoop(label: "baseline", events: events, writers: writers, batch: batch, progress: progress).run(pool: pool) { append in
            try await queue.write { db in
                let current = try Int64.fetchOne(db, sql: "SELECT MAX(version) FROM events WHERE stream = ?", arguments: [append.stream]) ?? 0
                guard current == append.expectedVersion else { throw BenchError("version conflict on \(append.stream)") }
                let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
                for (offset, row) in append.rows.enumerated() {
                    let id = SecureRandom.uuid()
                    let metadata = "{\"actor\":\"bench\",\"correlationId\":\"\(SecureRandom.uuid().uuidString)\"}"
                    try db.execute(
                        sql: "INSERT INTO events (stream, version, type, event_id, timestamp, metadata, payload) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        arguments: [append.stream, append.expectedVersion + Int64(offset) + 1, row.type, withUnsafeBytes(of: id.uuid) { Data($0) }, now, metadata, Data(row.payload)]
                    )
                }
            }
        }
        try await queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try queue.close()
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return BenchFigures(
            events: loop.latenciesNanos.count * batch, payloadBytes: loop.payloadBytes, seconds: loop.seconds,
            latenciesNanos: loop.latenciesNanos, storedBytes: size
        )
    }
}
