import Domain
import Foundation
import GRDB
import Projections
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
            // The schema alone, as during a build: no handler may rely on an index of `-- @indexes`.
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

    /// `-- @after-batch` statements run once per batch over what the batch staged: they may walk the
    /// staging tables (those the section empties) but must reach every other row through an index.
    /// `search.sql`'s first version joined its people and documents in the planner's order, which
    /// walked every person at each batch and made that projection's rebuild 16 % slower.
    @Test func afterBatchStatementsWalkOnlyWhatTheBatchStaged() throws {
        let all = try Projection.loadAll(in: Self.projections)
        var checked = 0
        for projection in all where !projection.definition.afterBatch.isEmpty {
            let database = try DatabaseQueue()
            try database.write { db in try db.execute(sql: projection.definition.schema) }
            let staging = Set(projection.definition.afterBatch.compactMap { statement -> String? in
                let words = statement.sql.split(whereSeparator: \.isWhitespace)
                guard words.count == 3, words[0].uppercased() == "DELETE", words[1].uppercased() == "FROM" else { return nil }
                return String(words[2]).trimmingCharacters(in: CharacterSet(charactersIn: ";"))
            })
            #expect(!staging.isEmpty, "\(projection.name).sql empties no staging table after its batch")
            for statement in projection.definition.afterBatch {
                let plan = try database.read { db in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + statement.sql).map { $0["detail"] as String? ?? "" }
                }
                let walks = plan.filter { step in
                    guard step.hasPrefix("SCAN ") else { return false }
                    if step.contains("CONSTANT ROW") || step.contains("VIRTUAL TABLE") { return false }
                    let table = step.dropFirst(5).split(separator: " ").first.map(String.init) ?? ""
                    let materialized = plan.contains("MATERIALIZE \(table)") // a small subquery, not a table
                    return !materialized && !staging.contains(table) && !isAlias(table, of: staging, in: statement.sql)
                }
                // A search of a table by a leading column alone walks all its rows of that value.
                let partial = plan.filter { $0.hasPrefix("SEARCH ") && $0.contains("(kind=?)") }
                #expect(walks.isEmpty && partial.isEmpty, "\(projection.name).sql line \(statement.line): \(plan)")
                checked += 1
            }
        }
        #expect(checked >= 10)
    }

    /// Whether `alias` names one of `tables` in `sql` (`FROM people_changed c`).
    private func isAlias(_ alias: String, of tables: Set<String>, in sql: String) -> Bool {
        tables.contains { sql.contains("\($0) \(alias) ") || sql.contains("\($0) \(alias)\n") }
    }

    /// The plan of `sql` on an empty `name` model, every parameter NULL.
    static func plan(_ name: String, _ sql: String) throws -> [String] {
        let names = ["user", "status", "key", "id", "limit", "expertise", "language", "rating", "earliest", "from", "to"]
        return try plan(name, sql, StatementArguments(Dictionary(uniqueKeysWithValues: names.map { ($0, DatabaseValue.null) })))
    }

    /// The plan of `sql` on an empty model of `projection`, one line per step.
    static func plan(_ projection: String, _ sql: String, _ arguments: StatementArguments) throws -> [String] {
        try plan(try model(projection), sql, arguments)
    }

    /// A list page walks an index in the list's order and stops after `limit + 1` rows: no table
    /// scan, no sort of every match. (A bare `q=` walks the ordered index, filtering: substring
    /// search has no index here; full-text search belongs to the search read model.)
    @Test func listQueriesWalkAnIndexInTheirOrder() throws {
        let cursor = PageCursor(key: "2026-11-24T18:00:00Z", id: "00000000-0000-0000-0000-000000000001")
        let id = UUID()
        // The last field: whether the query may walk the whole ordered index (no filter to seek on).
        var queries: [(String, String, (String, StatementArguments), Bool)] = []
        for page in [PageRequest(), PageRequest(limit: 5, cursor: cursor)] {
            for filter in [
                CommunityFilter(), CommunityFilter(category: .academic), CommunityFilter(country: "SN"), CommunityFilter(query: "dakar"),
                CommunityFilter(category: .skill, country: "CI", query: "dev"),
            ] {
                let walks = filter.category == nil && filter.country == nil && page.cursor == nil
                queries.append(("communities", "list \(filter)", CommunityQueries.listSQL(filter, page), walks))
            }
            queries.append(("communities", "members", CommunityQueries.membersSQL(id, page), false))
            queries.append(("communities", "posts", CommunityQueries.postsSQL(id, page), false))
            for filter in [
                EventFilter(), EventFilter(type: .webinar), EventFilter(from: Date()), EventFilter(from: Date(), to: Date()), EventFilter(online: true),
                EventFilter(query: "cv"), EventFilter(type: .workshop, from: Date(), to: Date(), online: false, query: "cv"),
            ] {
                let walks = filter.type == nil && filter.online == nil && filter.from == nil && page.cursor == nil
                queries.append(("events", "list \(filter)", EventQueries.listSQL(filter, page), walks))
            }
        }
        for (projection, name, (sql, arguments), mayWalk) in queries {
            let plan = try Self.plan(projection, sql, arguments)
            let scans = plan.filter { $0.hasPrefix("SCAN ") && !(mayWalk && $0.contains("USING INDEX")) }
            #expect(scans.isEmpty, "\(projection) \(name) scans: \(plan)")
            #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(projection) \(name) sorts: \(plan)")
        }
    }

    /// A user's calendar, registrations and communities start from the user's rows (sorting only those).
    @Test func perUserQueriesStartFromTheUsersRows() throws {
        for (projection, sql, arguments) in [
            ("events", EventQueries.calendarSQL, ["u", "b", "a"] as StatementArguments),
            ("events", EventQueries.registrationsSQL, ["u"] as StatementArguments),
            ("communities", CommunityQueries.userCommunitiesSQL, ["u"] as StatementArguments),
        ] {
            let plan = try Self.plan(projection, sql, arguments)
            #expect(!plan.contains { $0.hasPrefix("SCAN ") }, "\(projection): \(plan)")
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

    /// The plan of `sql` on `database`, one line per step.
    private static func plan(_ database: DatabaseQueue, _ sql: String, _ arguments: StatementArguments) throws -> [String] {
        try database.read { db in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String? ?? "" } }
    }

    /// An empty live model of projection `name`: its schema and its `-- @indexes`, on a connection
    /// with the SQL functions every model's connection has (`fold` in the lists' `q`).
    private static func model(_ name: String) throws -> DatabaseQueue {
        let projection = try Projection.load(contentsOf: projections.appendingPathComponent("\(name).sql"))
        var configuration = Configuration()
        configuration.prepareDatabase { db in try ProjectionFunctions.install(in: db) }
        let database = try DatabaseQueue(configuration: configuration)
        try database.write { db in
            try db.execute(sql: projection.definition.schema)
            for index in projection.definition.deferredIndexes { try db.execute(sql: index.sql) }
        }
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

    /// The scholarship list walks the deadline order: the open range of `(closed, deadline, id)`
    /// with `open=true`, the `(deadline, id)` index otherwise; country, level and field filters
    /// test each row walked through their lists' primary keys; never a sort of every match.
    @Test func theScholarshipListWalksTheDeadlineOrder() throws {
        let cursor = PageCursor(key: "2026-11-24T18:00:00.000Z", id: "00000000-0000-0000-0000-000000000001")
        for page in [PageRequest(), PageRequest(limit: 5, cursor: cursor)] {
            for openOnly in [false, true] {
                for filter in [
                    ScholarshipFilter(openOnly: openOnly), ScholarshipFilter(country: "SN", openOnly: openOnly),
                    ScholarshipFilter(level: .master, openOnly: openOnly), ScholarshipFilter(field: "Law", openOnly: openOnly),
                    ScholarshipFilter(query: "mit", country: "CI", level: .phd, field: "Medicine", openOnly: openOnly),
                ] {
                    let (sql, arguments) = ScholarshipQueries.listSQL(filter, now: Date(), page)
                    let plan = try Self.plan("scholarships", sql, arguments)
                    let index = openOnly ? "scholarships_open_by_deadline" : "scholarships_by_deadline"
                    #expect(plan.first?.contains(index) == true, "\(filter) \(page): \(plan)")
                    #expect(Self.scans(plan).allSatisfy { $0.contains("USING INDEX \(index)") }, "\(filter): \(plan)")
                    #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(filter) sorts: \(plan)")
                }
            }
        }
    }

    /// The audit page reads one position range backwards, through the index of its filter; a time
    /// window has become a position range (`AuditQueries.firstPosition`).
    @Test func theAuditListReadsOnePositionRange() throws {
        let from = Date(timeIntervalSince1970: 1_790_000_000), to = Date(timeIntervalSince1970: 1_790_086_400)
        for before in [nil, Int64(500)] {
            for (filter, index) in [
                (AuditFilter(), "audit"), (AuditFilter(from: from, to: to), "audit"),
                (AuditFilter(type: "mentoring.session-accepted", from: from), "audit_by_type"),
                (AuditFilter(actor: "system", to: to), "audit_by_actor"),
            ] {
                let (sql, arguments) = AuditQueries.listSQL(filter, from: filter.from.map { _ in 100 }, to: filter.to.map { _ in 900 },
                                                            before: before, limit: 20)
                let plan = try Self.plan("audit", sql, arguments)
                #expect(plan.contains { $0.contains(index == "audit" ? "INTEGER PRIMARY KEY" : index) || (before == nil && filter.from == nil && filter.to == nil && $0 == "SCAN audit") },
                        "\(filter): \(plan)")
                #expect(plan.filter { $0.hasPrefix("SCAN ") }.allSatisfy { $0 == "SCAN audit" && filter == AuditFilter() && before == nil }, "\(filter): \(plan)")
                #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(filter) sorts: \(plan)")
            }
        }
        // A stream's positions come from the log: its rows are found by position, a chunk at a time.
        var query = ListQuery()
        query.require("type = ?", ["mentoring.session-accepted"])
        let (sql, arguments) = AuditQueries.positionsSQL([3, 9, 27], where: query)
        let plan = try Self.plan("audit", sql, arguments)
        #expect(plan.contains { $0.hasPrefix("SEARCH audit") } && Self.scans(plan).isEmpty, "\(plan)")
    }
}
