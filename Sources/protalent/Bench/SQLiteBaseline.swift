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
        let run = UUID().uuidString.prefix(8).lowercased()
        let appends = max(1, events / batch)
        let counter = SharedCounter()
        let payloadBytes = SharedCounter()
        let started = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var latencies: [Int64] = []
                    var versions = [Int64](repeating: 0, count: 32)
                    var bytes = 0
                    while true {
                        let index = counter.add(1)
                        guard index < appends else { break }
                        let slot = index % versions.count
                        let stream = "bench-\(run)-w\(writer)-\(slot)"
                        let expected = versions[slot]
                        let rows = (0..<batch).map { pool[(index * batch + $0) % pool.count] }
                        bytes += rows.reduce(0) { $0 + $1.payload.count }
                        let start = ContinuousClock.now
                        try await queue.write { db in
                            let current = try Int64.fetchOne(db, sql: "SELECT MAX(version) FROM events WHERE stream = ?", arguments: [stream]) ?? 0
                            guard current == expected else { throw BenchError("version conflict on \(stream)") }
                            let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
                            for (offset, row) in rows.enumerated() {
                                let id = SecureRandom.uuid()
                                let metadata = "{\"actor\":\"bench\",\"correlationId\":\"\(SecureRandom.uuid().uuidString)\"}"
                                try db.execute(
                                    sql: "INSERT INTO events (stream, version, type, event_id, timestamp, metadata, payload) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                    arguments: [stream, expected + Int64(offset) + 1, row.type, withUnsafeBytes(of: id.uuid) { Data($0) }, now, metadata, Data(row.payload)]
                                )
                            }
                        }
                        let elapsed = ContinuousClock.now - start
                        versions[slot] += Int64(batch)
                        latencies.append(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
                        if progress, writer == 0, index % 64 == 0 { printProgress("baseline: \(index * batch)/\(events) events") }
                    }
                    _ = payloadBytes.add(bytes)
                    return latencies
                }
            }
            return try await group.reduce(into: [Int64]()) { $0 += $1 }
        }
        let seconds = (ContinuousClock.now - started).seconds
        try await queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try queue.close()
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return BenchFigures(
            events: latencies.count * batch, payloadBytes: payloadBytes.current, seconds: seconds,
            latenciesNanos: latencies, storedBytes: size
        )
    }
}
