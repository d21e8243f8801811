import EventLog
import Foundation
import GRDB
import Projections
import ProjectionsTestSupport
import Testing

/// `-- @after-batch`: statements run once at the end of every batch, in the batch's transaction.
@Suite struct AfterBatchTests {
    /// Events are staged per event and summed per batch; a CHECK can make the batch step fail.
    static func source(check: String = "1") -> String {
        """
        -- @schema
        CREATE TABLE staged (position INTEGER PRIMARY KEY, n INTEGER NOT NULL);
        CREATE TABLE batches (id INTEGER PRIMARY KEY, events INTEGER NOT NULL, total INTEGER NOT NULL CHECK (\(check)));
        -- @on test.counted
        INSERT INTO staged (position, n) VALUES (:position, :p_n);
        -- @after-batch
        INSERT INTO batches (events, total) SELECT count(*), coalesce(sum(n), 0) FROM staged;
        DELETE FROM staged;
        """
    }

    struct Batch: Equatable, Sendable {
        var events: Int
        var total: Int
    }

    static func batches(_ storage: SQLiteProjectionStorage) throws -> [Batch] {
        try storage.read { db in
            try Row.fetchAll(db, sql: "SELECT events, total FROM batches ORDER BY id").map { Batch(events: $0["events"], total: $0["total"]) }
        }
    }

    @Test func runsOnceAtTheEndOfEachBatch() async throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let head = try await fixture.append(10) // n = 1...10, appended before the runner starts: batches of 4, 4, 2
        let (storage, runner) = try fixture.runner(try fixture.projection("batched", Self.source()), batchSize: 4)
        try await whileRunning(runner) { #expect(await runner.waitUntil(position: head, timeout: patience)) }
        #expect(runner.status.failure == nil)
        #expect(try Self.batches(storage) == [Batch(events: 4, total: 10), Batch(events: 4, total: 26), Batch(events: 2, total: 19)])
        #expect(try storage.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM staged") } == 0)
    }

    /// A rebuild hands each build the whole batch; the statements run only for the events it
    /// handles, and the batch step only for a batch holding one (as when following the log).
    @Test func aRebuildRunsItOnlyForBatchesHoldingAHandledEvent() async throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        // A rebuild reads 4 × batchSize = 16 events at a time: one batch of other events, one
        // mixed, one of counted events only.
        try await fixture.append(16, type: "test.other")
        try await fixture.append(6, type: "test.other", from: 100)
        try await fixture.append(10, type: "test.counted") // n = 1...10
        try await fixture.append(16, type: "test.counted", from: 11) // n = 11...26
        let (storage, runner) = try fixture.runner(try fixture.projection("batched", Self.source()), batchSize: 4)
        #expect(try await runner.rebuild(progress: nil))
        #expect(try Self.batches(storage) == [Batch(events: 10, total: 55), Batch(events: 16, total: (11...26).reduce(0, +))])
        #expect(runner.status.checkpoint == fixture.log.head)
    }

    @Test func aFailureKeepsNoneOfTheBatchAndIsReportedAtItsFirstEvent() async throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        _ = try await fixture.append(10)
        let (storage, runner) = try fixture.runner(try fixture.projection("batched", Self.source(check: "total <> 26")), batchSize: 4)
        try await runner.run() // returns once stopped
        let status = runner.status
        #expect(status.state == .failed)
        #expect(status.checkpoint == 4)
        let failure = try #require(status.failure)
        #expect(failure.position == 5)
        #expect(failure.message.contains("CHECK constraint failed"))
        #expect(failure.message.contains("batched.sql:7"))
        #expect(try Self.batches(storage) == [Batch(events: 4, total: 10)])
        #expect(try storage.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM staged") } == 0)
    }

    @Test func theSectionIsCheckedWhenTheFileIsRead() {
        let head = "-- @schema\nCREATE TABLE t (x);\n-- @on a\nINSERT INTO t VALUES (1);\n"
        let cases = [
            (head + "-- @after-batch\nDELETE FROM t WHERE x = :position;\n", 6, "take no parameter"),
            (head + "-- @after-batch\nDELETE FROM t;\n-- @after-batch\nDELETE FROM t;\n", 7, "must come once"),
            (head + "-- @after-batch\n-- nothing\n", 5, "has no statement"),
            (head + "-- @after-batch now\nDELETE FROM t;\n", 5, "takes no argument"),
        ]
        expectRefused(cases)
    }
}
