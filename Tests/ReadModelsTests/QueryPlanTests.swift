import Domain
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
                let scans = plan.filter { $0.hasPrefix("SCAN ") && !$0.contains("json_each") && !$0.contains("CONSTANT") }
                #expect(scans.isEmpty, "\(projection.name).sql line \(statement.line) scans: \(scans)")
            }
        }
    }

    /// The plan of `sql` on an empty `name` model, every parameter NULL.
    static func plan(_ name: String, _ sql: String) throws -> [String] {
        let projection = try Projection.load(contentsOf: projections.appendingPathComponent("\(name).sql"))
        let database = try DatabaseQueue()
        try database.write { db in try db.execute(sql: projection.definition.schema) }
        let names = ["user", "status", "key", "id", "limit", "expertise", "language", "rating", "earliest", "from", "to"]
        let arguments = StatementArguments(Dictionary(uniqueKeysWithValues: names.map { ($0, DatabaseValue.null) }))
        return try database.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String? ?? "" }
        }
    }

    /// Plan lines that read a whole table or index rather than a range (subqueries' own results excepted).
    static func scans(_ plan: [String]) -> [String] {
        plan.filter { $0.hasPrefix("SCAN ") && !$0.hasPrefix("SCAN (") && !$0.contains("json_each") }
    }

    @Test func theMentorListReadsOneIndexRangeInOrder() throws {
        for expertise in [false, true] {
            for language in [false, true] {
                for after in [false, true] {
                    let plan = try Self.plan("mentors", MentorQueries.availableSQL(expertise: expertise, language: language, after: after))
                    #expect(Self.scans(plan).isEmpty, "\(plan)")
                    #expect(plan.contains { $0.contains("mentors_listed_by_rating") }, "\(plan)")
                    #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "the list sorts instead of reading the index in order: \(plan)")
                }
            }
        }
    }

    @Test func theSessionListAndCalendarReadIndexRanges() throws {
        for party in [Mentoring.Party.mentor, .mentee] {
            for status in [false, true] {
                for after in [false, true] {
                    let plan = try Self.plan("sessions", SessionQueries.listSQL(party: party, status: status, after: after))
                    #expect(Self.scans(plan).isEmpty, "\(plan)")
                    #expect(plan.allSatisfy { !$0.hasPrefix("SEARCH") || $0.contains("INDEX sessions_by_\(party.rawValue)") }, "\(plan)")
                    #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "one side sorts instead of reading the index in order: \(plan)")
                }
            }
        }
        // Both sides: each side is an index range cut at the page size; only those rows are merged.
        for status in [false, true] {
            for after in [false, true] {
                let plan = try Self.plan("sessions", SessionQueries.listSQL(party: nil, status: status, after: after))
                #expect(Self.scans(plan).isEmpty, "\(plan)")
                #expect(plan.filter { $0.hasPrefix("SEARCH sessions USING") }.count == 2, "\(plan)")
            }
        }
        let calendar = try Self.plan("sessions", SessionQueries.calendarSQL)
        #expect(Self.scans(calendar).isEmpty, "\(calendar)")
        #expect(calendar.filter { $0.contains("scheduled_at>? AND scheduled_at<?") }.count == 2, "\(calendar)")
    }
}
