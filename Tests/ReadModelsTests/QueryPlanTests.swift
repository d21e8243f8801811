import Foundation
import GRDB
import ReadModels
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
                let scans = plan.filter { $0.hasPrefix("SCAN ") && !$0.contains("json_each") && !$0.contains("CONSTANT") }
                #expect(scans.isEmpty, "\(projection.name).sql line \(statement.line) scans: \(scans)")
            }
        }
    }
}
