import Foundation
import GRDB
@testable import ReadModels
import Testing

/// A time window of `GET /admin/audit` becomes a range of positions, found by a binary search over
/// positions (the log's times never decrease with the position) instead of an index on time: it
/// must find what a scan of every row finds, with gaps between positions and runs of equal times.
@Suite struct AuditTimeWindowTests {
    typealias Row = (position: Int64, time: Int64)

    /// An audit table of `count` rows: positions from 5 with gaps, times (µs) in steps of 0 to 3 s.
    static func table(_ count: Int, seed: UInt64) throws -> (DatabaseQueue, [Row]) {
        var state = seed
        func next(_ bound: UInt64) -> Int64 { // a fixed LCG: the same rows at every run
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int64((state >> 33) % bound)
        }
        var rows: [Row] = []
        var position: Int64 = 5, time: Int64 = 1_790_000_000_000_000
        for _ in 0..<count {
            rows.append((position, time))
            position += 1 + (next(4) == 0 ? next(5) : 0)
            time += next(4) * 1_000_000
        }
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE audit (position INTEGER PRIMARY KEY, stream TEXT NOT NULL, type TEXT NOT NULL, actor TEXT,
                                    time_micros INTEGER NOT NULL)
                """)
            for row in rows {
                try db.execute(sql: "INSERT INTO audit VALUES (?, 's', 't', NULL, ?)", arguments: [row.position, row.time])
            }
        }
        return (queue, rows)
    }

    @Test(arguments: [0, 1, 2, 3, 50, 777])
    func theSearchFindsTheFirstRowAtOrAfterATime(rows count: Int) throws {
        let (queue, rows) = try Self.table(count, seed: UInt64(count))
        let times = Set(rows.flatMap { [$0.time - 1, $0.time, $0.time + 1] } + [0, 1_790_000_000_000_000, Int64.max])
        try queue.read { db in
            for time in times.sorted() {
                let found = try AuditQueries.firstPosition(atOrAfter: time, db)
                #expect(found == rows.first { $0.time >= time }?.position, "at or after \(time)")
            }
        }
    }

    @Test func aPageOfAWindowHoldsItsRowsNewestFirst() throws {
        let (queue, rows) = try Self.table(400, seed: 9)
        let micros = { (seconds: Int64) in Date(timeIntervalSince1970: Double(seconds)) } // whole seconds: exact in a Date
        let first = rows[0].time / 1_000_000, last = rows[rows.count - 1].time / 1_000_000
        for (from, to) in [(first + 40, first + 90), (first - 5, first + 3), (last - 2, last + 10), (last + 1, last + 5), (first + 90, first + 40)] {
            let filter = AuditFilter(from: micros(from), to: micros(to))
            let listed: [Int64] = try queue.read { db in
                guard let window = try AuditQueries.positions(of: filter, db) else { return [] }
                let (sql, arguments) = AuditQueries.listSQL(filter, from: window.from, to: window.to, before: nil, limit: 1_000)
                return try Int64.fetchAll(db, sql: "SELECT position FROM (\(sql))", arguments: arguments)
            }
            let expected = rows.filter { $0.time >= from * 1_000_000 && $0.time < to * 1_000_000 }.map(\.position).reversed()
            #expect(listed == Array(expected), "from \(from) to \(to)")
            if from == first + 40 { #expect(listed.count > 10) }
        }
    }
}
