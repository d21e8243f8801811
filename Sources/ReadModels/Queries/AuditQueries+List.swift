import EventLog
import Foundation
import GRDB
import Projections

extension AuditQueries {
    /// `GET /admin/audit?stream=&type=&actor=&from=&to=`: newest position first, paged.
    ///
    /// - Throws: `ReadModelError.invalidCursor` for a cursor of another list.
    public func list(_ filter: AuditFilter = AuditFilter(), page: PageRequest = PageRequest()) throws -> Page<AuditEntry> {
        let before = try page.cursor.map { cursor throws(ReadModelError) -> Int64 in
            guard let position = Int64(cursor.key), cursor.id == cursor.key else { throw ReadModelError.invalidCursor("audit") }
            return position
        }
        let stream = filter.stream.map { log.positions(ofStream: $0) }
        let rows = try storage.read { db -> [AuditEntry] in
            guard let window = try Self.positions(of: filter, db) else { return [] }
            if let stream {
                return try Self.streamPage(stream, filter, from: window.from, to: window.to, before: before, limit: page.limit, db)
            }
            let (sql, arguments) = Self.listSQL(filter, from: window.from, to: window.to, before: before, limit: page.limit)
            return try AuditEntry.fetchAll(db, sql: sql, arguments: arguments)
        }
        return page.page(rows) { PageCursor(key: "\($0.position)", id: "\($0.position)") }
    }

    /// The page of `list` within positions `from..<to` when no stream is asked for: one range of
    /// the position-ordered index of the most selective filter (type or actor, else the table
    /// itself), read backwards.
    static func listSQL(_ filter: AuditFilter, from: Int64?, to: Int64?, before: Int64?, limit: Int) -> (String, StatementArguments) {
        var query = conditions(filter)
        if let from { query.require("position >= ?", [from]) }
        if let to { query.require("position < ?", [to]) }
        if let before { query.require("position < ?", [before]) }
        return query.sql(select: columns, from: "audit", orderBy: "position DESC", limit: limit)
    }

    /// The page of `list` for a stream, whose positions (`stream`, oldest first) the log gives:
    /// those within `from..<to` and before `before`, newest first, read a chunk at a time until
    /// `limit + 1` entries pass the other filters.
    static func streamPage(
        _ stream: [Int64], _ filter: AuditFilter, from: Int64?, to: Int64?, before: Int64?, limit: Int, _ db: Database
    ) throws -> [AuditEntry] {
        let lower = from ?? .min, upper = min(to ?? .max, before ?? .max)
        var candidates = stream.reversed().drop { $0 >= upper }.prefix { $0 >= lower }[...]
        let query = conditions(filter)
        var page: [AuditEntry] = []
        while page.count <= limit, !candidates.isEmpty {
            let chunk = candidates.prefix(max(64, 2 * (limit + 1)))
            candidates = candidates.dropFirst(chunk.count)
            page += try entries(at: chunk, where: query, db).sorted { $0.position > $1.position }
        }
        return Array(page.prefix(limit + 1))
    }

    /// The type and actor filters (a stream is found through the log).
    private static func conditions(_ filter: AuditFilter) -> ListQuery {
        var query = ListQuery()
        if let type = filter.type { query.require("type = ?", [type]) }
        if let actor = filter.actor { query.require("actor = ?", [actor]) }
        return query
    }

    /// The positions `from..<to` of the filter's time window (`nil` bounds: none), `nil` when no
    /// event is at or after its `from`. The log stamps times that never decrease with the position,
    /// so the window starts at the first event at or after `from` and ends before the first at or
    /// after `to`.
    static func positions(of filter: AuditFilter, _ db: Database) throws -> (from: Int64?, to: Int64?)? {
        var from: Int64?
        if let time = filter.from {
            guard let first = try firstPosition(atOrAfter: micros(time), db) else { return nil }
            from = first
        }
        return (from, try filter.to.flatMap { try firstPosition(atOrAfter: micros($0), db) })
    }

    /// The first position whose time is at or after `micros`, `nil` when none is. A binary search
    /// over the positions (each probe one lookup of the table's primary key): it relies on times
    /// never decreasing with the position, which the log guarantees, and spares the model an index
    /// on time that a rebuild would sort a million rows for.
    static func firstPosition(atOrAfter micros: Int64, _ db: Database) throws -> Int64? {
        guard let bounds = try Row.fetchOne(db, sql: "SELECT min(position) AS low, max(position) AS high FROM audit"),
              var low: Int64 = bounds["low"], var high: Int64 = bounds["high"] else { return nil }
        let probe = try db.cachedStatement(sql: "SELECT position, time_micros FROM audit WHERE position >= ? ORDER BY position LIMIT 1")
        var found: Int64?
        while low <= high {
            let middle = low + (high - low) / 2
            // The first row at or after `middle`: there is one, `high` being a row or above one.
            guard let row = try Row.fetchOne(probe, arguments: [middle]) else { break }
            let position: Int64 = row["position"], time: Int64 = row["time_micros"]
            if time >= micros {
                found = position // the rows from `middle` up to it do not exist: look below `middle`
                high = middle - 1
            } else {
                low = position + 1
            }
        }
        return found
    }

    static func micros(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down)) }
}
