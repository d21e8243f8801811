import EventLog
import EventSourcing
import Foundation
import GRDB
import Projections
import ProjectionsTestSupport
import Testing

/// A projection whose primary key makes any duplicate application fail loudly.
let countingProjection = """
    -- @schema
    CREATE TABLE counted (
        position INTEGER PRIMARY KEY,
        n INTEGER NOT NULL,
        stream TEXT NOT NULL,
        actor TEXT,
        time TEXT NOT NULL
    );
    -- @on test.counted
    INSERT INTO counted (position, n, stream, actor, time) VALUES (:position, :p_n, :stream, :actor, :time);
    """

struct Counted: Sendable, Equatable {
    var rows: Int
    var sum: Int
    var checkpoint: Int64
}

func counted(_ storage: SQLiteProjectionStorage, table: String = "counted") throws -> Counted {
    try storage.read { db in
        let row = try Row.fetchOne(db, sql: "SELECT count(*) AS c, coalesce(sum(n), 0) AS s, (SELECT position FROM _projection_state) AS p FROM \(table)")!
        return Counted(rows: row["c"], sum: row["s"], checkpoint: row["p"])
    }
}

@Suite struct ProjectionRunnerTests {
    @Test func appliesRowsAndCheckpointInOneTransaction() async throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let head = try await fixture.append(2_500)
        let (storage, runner) = try fixture.runner(try fixture.projection("counting", countingProjection))
        try await whileRunning(runner) {
            #expect(await runner.waitUntil(position: head, timeout: patience))
            // Every snapshot a reader sees has exactly as many rows as the checkpoint says.
            let seen = try counted(storage)
            #expect(seen.rows == 2_500)
            #expect(seen.checkpoint == head)
            #expect(seen.sum == 2_500 * 2_501 / 2)
            let first = try storage.read { db in
                try String.fetchAll(db, sql: "SELECT stream FROM counted WHERE position = 1 UNION ALL SELECT actor FROM counted WHERE position = 1 UNION ALL SELECT time FROM counted WHERE position = 1")
            }
            #expect(first == ["s", "tester", "2026-09-21T14:13:20.000Z"])
            let status = runner.status
            #expect(status.state == .running)
            #expect(status.lag == 0)
            #expect(status.liveVersion == runner.projection.version)
        }
    }

    @Test func resumesFromCheckpointAfterReopeningWithoutDuplicates() async throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let projection = try fixture.projection("counting", countingProjection)
        let first = try await fixture.append(1_000)
        do {
            let (_, runner) = try fixture.runner(projection)
            try await whileRunning(runner) {
                #expect(await runner.waitUntil(position: first, timeout: patience))
            }
        }
        let last = try await fixture.append(500, from: 1_001)
        let (storage, runner) = try fixture.runner(projection)
        #expect(runner.status.checkpoint == first)
        let liveFile = storage.liveFile
        try await whileRunning(runner) {
            #expect(await runner.waitUntil(position: last, timeout: patience))
        }
        #expect(storage.liveFile == liveFile) // resumed, not rebuilt
        #expect(try counted(storage) == Counted(rows: 1_500, sum: 1_500 * 1_501 / 2, checkpoint: last))
        #expect(runner.status.failure == nil)
    }

    @Test func unhandledTypesOnlyAdvanceTheCheckpoint() async throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        try await fixture.append(3)
        let head = try await fixture.append(10, type: "test.ignored", stream: "other")
        let (storage, runner) = try fixture.runner(try fixture.projection("counting", countingProjection))
        try await whileRunning(runner) {
            #expect(await runner.waitUntil(position: head, timeout: patience))
        }
        #expect(try counted(storage) == Counted(rows: 3, sum: 6, checkpoint: head))
    }

    @Test func failingStatementStopsAtThatEventWithTheErrorRecorded() async throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let source = """
            -- @schema
            CREATE TABLE counted (position INTEGER PRIMARY KEY, n INTEGER NOT NULL CHECK (n <> 7));
            -- @on test.counted
            INSERT INTO counted (position, n) VALUES (:position, :p_n);
            """
        let projection = try fixture.projection("picky", source)
        try await fixture.append(10)
        for _ in 0..<2 { // a restart tries the event again and stops again: it is never skipped
            let (storage, runner) = try fixture.runner(projection)
            try await runner.run() // returns once stopped
            let status = runner.status
            #expect(status.state == .failed)
            #expect(status.checkpoint == 6)
            #expect(status.lag == 4)
            let failure = try #require(status.failure)
            #expect(failure.position == 7)
            #expect(failure.eventType == "test.counted")
            #expect(failure.message.contains("CHECK constraint failed"))
            #expect(failure.message.contains("picky.sql:4"))
            #expect(try counted(storage) == Counted(rows: 6, sum: 21, checkpoint: 6))
            #expect(try storage.state(of: .live)?.failure == failure)
        }
    }

    @Test func aFailureAfterEventsOfOtherTypesCheckpointsJustBeforeIt() async throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let projection = try fixture.projection("picky", """
            -- @schema
            CREATE TABLE counted (position INTEGER PRIMARY KEY, n INTEGER NOT NULL CHECK (n <> 7));
            -- @on test.counted
            INSERT INTO counted (position, n) VALUES (:position, :p_n);
            """)
        _ = try await fixture.append(2)                                  // positions 1, 2: n = 1, 2
        _ = try await fixture.append(2, type: "test.other", from: 3)      // 3, 4: not the projection's
        _ = try await fixture.append(1, from: 7)                          // 5: n = 7 fails
        let (storage, runner) = try fixture.runner(projection)
        try await runner.run() // one batch; returns once stopped
        #expect(runner.status.failure?.position == 5)
        #expect(runner.status.checkpoint == 4)
        #expect(try counted(storage) == Counted(rows: 2, sum: 3, checkpoint: 4))
    }

    @Test func waitUntilAnswersReadYourWrites() async throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let (storage, runner) = try fixture.runner(try fixture.projection("counting", countingProjection))
        try await whileRunning(runner) {
            #expect(await runner.waitUntil(position: 1, timeout: .milliseconds(50)) == false)
            for round in 1...20 {
                let position = try await fixture.append(1, from: round)
                #expect(await runner.waitUntil(position: position, timeout: patience))
                #expect(try counted(storage).rows == round) // the row is there as soon as the wait returns
            }
        }
    }
}
