import EventLog
import Foundation
import GRDB
import Projections
import ProjectionsTestSupport
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

    /// A trigger there is absent while a build applies its events and present once the model is
    /// live; the section's INSERT fills in one pass what the trigger then keeps current.
    @Test func aTriggerThereWorksOnlyOnceTheRowsAreInAndItsInsertFillsTheBuild() async throws {
        let source = """
            -- @schema
            CREATE TABLE counted (position INTEGER PRIMARY KEY, n INTEGER NOT NULL);
            CREATE TABLE total (rows INTEGER NOT NULL, sum INTEGER NOT NULL);
            -- @on test.counted
            INSERT INTO counted (position, n) VALUES (:position, :p_n);
            -- @indexes
            INSERT INTO total (rows, sum) SELECT count(*), coalesce(sum(n), 0) FROM counted;
            CREATE TRIGGER counted_total AFTER INSERT ON counted BEGIN
                UPDATE total SET rows = rows + 1;
                UPDATE total SET sum = sum + NEW.n;
            END;
            """
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let projection = try fixture.projection("totalled", source)
        let deferred = projection.definition.deferredIndexes.map(\.sql)
        #expect(deferred.count == 2 && deferred[1].hasSuffix("END"), "the trigger's body was split: \(deferred)")
        let (storage, runner) = try fixture.runner(projection, batchSize: 100)
        func total() throws -> [Int] {
            try storage.read { db in try Row.fetchAll(db, sql: "SELECT rows, sum FROM total").flatMap { [$0["rows"], $0["sum"]] as [Int] } }
        }
        var head = try await fixture.append(300)
        try await whileRunning(runner) { // an empty build goes live, then the trigger counts
            #expect(await runner.waitUntil(position: head, timeout: patience))
        }
        #expect(try total() == [300, 45_150])
        try await runner.rebuild { _ in } // 300 rows in, then one INSERT: the trigger fired for none
        #expect(try total() == [300, 45_150])
        head = try await fixture.append(10, from: 301)
        try await whileRunning(runner) { #expect(await runner.waitUntil(position: head, timeout: patience)) }
        #expect(try total() == [310, 48_205])
    }

    @Test func theSectionIsCheckedWhenTheFileIsRead() {
        let head = "-- @schema\nCREATE TABLE t (x);\n-- @on a\nINSERT INTO t VALUES (1);\n"
        let cases = [
            (head + "-- @indexes\nCREATE UNIQUE INDEX t_x ON t (x);\n", 6, "only CREATE INDEX, CREATE TRIGGER and INSERT"),
            (head + "-- @indexes\nDELETE FROM t;\n", 6, "only CREATE INDEX, CREATE TRIGGER and INSERT"),
            (head + "-- @indexes\nCREATE VIEW v AS SELECT x FROM t;\n", 6, "only CREATE INDEX, CREATE TRIGGER and INSERT"),
            (head + "-- @indexes\nCREATE INDEX t_x ON t (x) WHERE x > :position;\n", 6, "take no parameter"),
            (head + "-- @indexes\nCREATE INDEX t_x ON t (x);\n-- @indexes\nCREATE INDEX t_y ON t (x);\n", 7, "must come once"),
            (head + "-- @indexes\n", 5, "has no statement"),
        ]
        expectRefused(cases)
    }
}
