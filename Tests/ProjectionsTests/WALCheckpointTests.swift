import EventLog
import Foundation
import GRDB
import Projections
import ProjectionsTestSupport
import Testing

/// Live models do not checkpoint inside their commits (an fsync in the commit was the slowest
/// catch-up); `checkpointWAL()` does it on a connection of its own.
@Suite struct WALCheckpointTests {
    static let wide = """
        -- @schema
        CREATE TABLE rows (position INTEGER PRIMARY KEY, body TEXT NOT NULL);
        -- @on test.counted
        INSERT INTO rows (position, body) VALUES (:position, printf('%.2000c', 'x'));
        """

    func walSize(_ storage: SQLiteProjectionStorage) throws -> Int {
        let file = try #require(storage.liveFile)
        let path = storage.directory.appendingPathComponent(file + "-wal").path
        return (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    @Test func commitsLeaveTheLogToCheckpointWALWhichLetsItStartOver() async throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let (storage, runner) = try fixture.runner(try fixture.projection("wide", Self.wide))
        var head: Int64 = 0
        try await whileRunning(runner) {
            for round in 0..<6 { // 6,000 rows of 2 KB: 12 MB through the write-ahead log
                head = try await fixture.append(1_000, from: round * 1_000 + 1)
                #expect(await runner.waitUntil(position: head, timeout: patience))
            }
        }
        // An automatic checkpoint at 1,000 pages would have started the log over at about 6 MB.
        let grown = try walSize(storage)
        #expect(grown > 10_000_000)
        #expect(storage.checkpointWAL() == 0)
        try await whileRunning(runner) {
            head = try await fixture.append(1_000, from: 6_001)
            #expect(await runner.waitUntil(position: head, timeout: patience))
        }
        let after = try walSize(storage)
        #expect(after == grown, "\(after) vs \(grown)") // written from the start again, not appended
        #expect(try storage.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM rows") } == 7_000)
    }
}
