import EventLog
import Foundation
import GRDB
import ReadModels
import Testing

/// `-- @indexes`: indexes a build creates once its rows are in; every live model has them.
@Suite struct DeferredIndexTests {
    static let source = """
        -- @schema
        CREATE TABLE counted (position INTEGER PRIMARY KEY, n INTEGER NOT NULL, stream TEXT NOT NULL);
        -- @on test.counted
        INSERT INTO counted (position, n, stream) VALUES (:position, :p_n, :stream);
        -- @indexes
        CREATE INDEX counted_by_n ON counted (n);
        CREATE INDEX counted_by_stream ON counted (stream, position);
        """

    static func indexes(_ storage: SQLiteProjectionStorage) throws -> [String] {
        try storage.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'counted' ORDER BY name")
        }
    }

    @Test func theEmptyLiveModelAndEveryRebuildHaveThem() async throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let (storage, runner) = try fixture.runner(try fixture.projection("deferred", Self.source), batchSize: 100)
        var head: Int64 = 0
        try await whileRunning(runner) { // starts from an empty live model
            head = try await fixture.append(1_000)
            #expect(await runner.waitUntil(position: head, timeout: patience))
        }
        #expect(try Self.indexes(storage) == ["counted_by_n", "counted_by_stream"])
        try await runner.rebuild { _ in }
        #expect(try Self.indexes(storage) == ["counted_by_n", "counted_by_stream"])
        let plan = try storage.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT position FROM counted WHERE n = 7").map { $0["detail"] as String? ?? "" }
        }
        #expect(plan.contains { $0.contains("counted_by_n") }, "\(plan)")
        #expect(try counted(storage) == Counted(rows: 1_000, sum: 500_500, checkpoint: head))
    }

    @Test func theSectionIsCheckedWhenTheFileIsRead() {
        let head = "-- @schema\nCREATE TABLE t (x);\n-- @on a\nINSERT INTO t VALUES (1);\n"
        let cases = [
            (head + "-- @indexes\nCREATE UNIQUE INDEX t_x ON t (x);\n", 6, "only CREATE INDEX"),
            (head + "-- @indexes\nDELETE FROM t;\n", 6, "only CREATE INDEX"),
            (head + "-- @indexes\nCREATE INDEX t_x ON t (x) WHERE x > :position;\n", 6, "take no parameter"),
            (head + "-- @indexes\nCREATE INDEX t_x ON t (x);\n-- @indexes\nCREATE INDEX t_y ON t (x);\n", 7, "must come once"),
            (head + "-- @indexes\n", 5, "has no statement"),
        ]
        expectRefused(cases)
    }
}
