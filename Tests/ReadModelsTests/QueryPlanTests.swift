import Foundation
import GRDB
@testable import ReadModels
import Testing

/// The repository's projections must not scan a table to find the rows an event updates or
/// deletes: `scholarships.sql` once did, and its rebuild fell to 1,673 events/s (47,289 with indexes).
@Suite struct QueryPlanTests {
    static let projections = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("projections")

    @Test func updatesAndDeletesFindTheirRowsThroughAnIndex() throws {
        let all = try Projection.loadAll(in: Self.projections)
        #expect(!all.isEmpty)
        for projection in all {
            let database = try DatabaseQueue()
            try database.write { db in try db.execute(sql: projection.definition.schema) }
            let statements = projection.definition.handlers.values.flatMap { $0 } + projection.definition.everyEvent
            for statement in statements {
                let verb = statement.sql.trimmingCharacters(in: .whitespacesAndNewlines).prefix(6).uppercased()
                guard verb == "DELETE" || verb == "UPDATE" else { continue }
                let arguments = StatementArguments(Dictionary(uniqueKeysWithValues: statement.parameters.map { ($0, DatabaseValue.null) }))
                let plan = try database.read { db in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + statement.sql, arguments: arguments).map { $0["detail"] as String? ?? "" }
                }
                // An FTS5 table is always "SCAN …VIRTUAL TABLE"; index 0 with "=" is its rowid lookup.
                let scans = plan.filter {
                    $0.hasPrefix("SCAN ") && !$0.contains("json_each") && !$0.contains("CONSTANT") && !$0.contains("VIRTUAL TABLE INDEX 0:=")
                }
                #expect(scans.isEmpty, "\(projection.name).sql line \(statement.line) scans: \(scans)")
            }
        }
    }

    /// The plan of `sql` on `database`, one line per step.
    private static func plan(_ database: DatabaseQueue, _ sql: String, _ arguments: StatementArguments) throws -> [String] {
        try database.read { db in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String? ?? "" } }
    }

    private static func model(_ name: String) throws -> DatabaseQueue {
        let projection = try Projection.load(contentsOf: projections.appendingPathComponent("\(name).sql"))
        let database = try DatabaseQueue()
        try database.write { db in try db.execute(sql: projection.definition.schema) }
        return database
    }

    /// A scan of a base table (not of a materialised intermediate result, not an FTS5 match).
    private static func tableScans(_ plan: [String]) -> [String] {
        plan.filter { step in
            step.hasPrefix("SCAN ") && !["SCAN h", "SCAN m", "SCAN matched"].contains(step) && !step.hasPrefix("SCAN (subquery")
                && !step.contains("VIRTUAL TABLE INDEX 0:M") && !step.contains("CONSTANT")
        }
    }

    @Test func searchPagesAndFacetsOfOneKindOrOfATextUseIndexes() throws {
        let database = try Self.model("search")
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let requests = [
            SearchRequest(text: "bourse", kinds: [.scholarship], filters: .init(country: "SN", open: true)),
            SearchRequest(text: "énergie solaire", page: PageRequest(cursor: PageCursor(key: "-1.5", id: "3"))),
            SearchRequest(kinds: [.scholarship], filters: .init(country: "SN", level: "master", open: true)),
            SearchRequest(kinds: [.event], filters: .init(from: now, online: true)),
            SearchRequest(kinds: [.person], filters: .init(field: "Informatique", role: "student")),
            SearchRequest(kinds: [.post], page: PageRequest(cursor: PageCursor(key: "000000000001", id: "3"))),
            SearchRequest(kinds: [.mentor], filters: .init(language: "fr")),
        ]
        for request in requests {
            for viewer in [SearchViewer.anonymous, SearchViewer(userID: UUID())] {
                let plan = SearchPlan(request, viewer: viewer, now: now)
                let queries = [try plan.pageQuery(), plan.facetQuery()] + (plan.match == nil ? [] : [try plan.pageAndFacetQuery()])
                for (sql, arguments) in queries {
                    let steps = try Self.plan(database, sql, arguments)
                    #expect(Self.tableScans(steps).isEmpty, "\(request) scans: \(steps)")
                }
            }
        }
    }

    @Test func recommendationAndInsightQueriesUseIndexes() throws {
        let database = try Self.model("matching")
        for sql in MatchingSQL.all {
            let names = ["now", "until", "level", "country", "excluded", "user", "monthAgo"].filter { sql.contains(":" + $0) }
            let arguments = StatementArguments(Dictionary(uniqueKeysWithValues: names.map { ($0, DatabaseValue.null) }))
            let steps = try Self.plan(database, sql, arguments)
            #expect(Self.tableScans(steps).isEmpty, "\(sql) scans: \(steps)")
        }
    }
}
