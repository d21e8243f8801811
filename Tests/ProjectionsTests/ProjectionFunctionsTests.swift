import GRDB
import Projections
import Testing

/// The SQL functions projections may call give what SQLite's own way of saying them gives.
@Suite struct ProjectionFunctionsTests {
    static func database() throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try ProjectionFunctions.install(in: db) }
        return try DatabaseQueue(configuration: configuration)
    }

    /// Every day of 1990–2045, at its start and its end (years with 52 and 53 weeks, leap days,
    /// weeks that straddle a new year), against the strftime expression `analytics.sql` used.
    @Test func isoWeekIsWhatStrftimeGivesForEveryDay() throws {
        let mismatches = try Self.database().read { db in
            try Row.fetchAll(db, sql: """
                WITH RECURSIVE day(d) AS (SELECT '1990-01-01' UNION ALL SELECT date(d, '+1 day') FROM day WHERE d < '2045-12-31'),
                     moment(t) AS (SELECT d || 'T00:00:00.000Z' FROM day UNION ALL SELECT d || 'T23:59:59.999Z' FROM day)
                SELECT t, iso_week(t) AS ours,
                       strftime('%Y', t, '-6 days', 'weekday 1', '+3 days') || '-W'
                           || printf('%02d', (strftime('%j', t, '-6 days', 'weekday 1', '+3 days') - 1) / 7 + 1) AS sqlite
                FROM moment WHERE ours IS NOT sqlite
                """).map { "\($0["t"] as String): \($0["ours"] as String? ?? "NULL") ≠ \($0["sqlite"] as String? ?? "NULL")" }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        let count = try Self.database().read { db in
            try Int.fetchOne(db, sql: "WITH RECURSIVE day(d) AS (SELECT '1990-01-01' UNION ALL SELECT date(d, '+1 day') FROM day WHERE d < '2045-12-31') SELECT count(*) FROM day")
        }
        #expect(count == 20_454)
    }

    /// `fold` is `TextFolding.fold`: lowercase, accents and ligatures to base letters; NULL stays NULL.
    @Test func foldLowercasesAndDropsAccents() throws {
        let database = try Self.database()
        #expect(try database.read { db in try String.fetchOne(db, sql: "SELECT fold(?)", arguments: ["Santé PUBLIQUE, Œuvre, Ça, Ñandú"]) }
            == "sante publique, oeuvre, ca, nandu")
        #expect(try database.read { db in try String.fetchOne(db, sql: "SELECT fold(NULL)") } == nil)
        #expect(try database.read { db in try Bool.fetchOne(db, sql: "SELECT fold('Génie Civil') LIKE '%genie%'") } == true)
    }

    @Test(arguments: [
        ("2026-11-30T10:00:00.000Z", "2026-W49"), ("2027-01-01", "2026-W53"), ("2021-01-03T12:00:00Z", "2020-W53"),
        ("2024-12-30", "2025-W01"), ("0999-06-15", "0999-W24"),
    ])
    func isoWeekOfSomeDates(text: String, week: String) throws {
        #expect(try Self.database().read { db in try String.fetchOne(db, sql: "SELECT iso_week(?)", arguments: [text]) } == week)
    }

    /// Text that does not start with a real date gives NULL, as strftime does.
    @Test(arguments: ["", "2026-11", "2026-13-01", "2026-02-30", "2026-00-10", "2026/11/30", "20261130", "x026-11-30", "tomorrow"])
    func isoWeekOfNoDateIsNull(text: String) throws {
        let (ours, sqlite) = try Self.database().read { db in
            (try String.fetchOne(db, sql: "SELECT iso_week(?)", arguments: [text]),
             try String.fetchOne(db, sql: "SELECT strftime('%Y', ?)", arguments: [text]))
        }
        #expect(ours == nil)
        if text != "2026-02-30" { #expect(sqlite == nil) } // SQLite rolls 30 February over into March
        #expect(try Self.database().read { db in try String.fetchOne(db, sql: "SELECT iso_week(NULL)") } == nil)
    }
}
