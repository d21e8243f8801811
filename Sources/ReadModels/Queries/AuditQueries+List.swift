import Foundation
import GRDB

extension AuditQueries {
    /// `GET /admin/audit?stream=&type=&actor=&from=&to=`: newest position first, paged.
    ///
    /// - Throws: `ReadModelError.invalidCursor` for a cursor of another list.
    public func list(_ filter: AuditFilter = AuditFilter(), page: PageRequest = PageRequest()) throws -> Page<AuditEntry> {
        let before = try page.cursor.map { cursor throws(ReadModelError) -> Int64 in
            guard let position = Int64(cursor.key), cursor.id == cursor.key else { throw ReadModelError.invalidCursor("audit") }
            return position
        }
        let rows = try storage.read { db -> [AuditEntry] in
            guard let window = try Self.positions(of: filter, db) else { return [] }
            let (sql, arguments) = Self.listSQL(filter, from: window.from, to: window.to, before: before, limit: page.limit)
            return try AuditEntry.fetchAll(db, sql: sql, arguments: arguments)
        }
        return page.page(rows) { PageCursor(key: "\($0.position)", id: "\($0.position)") }
    }

    /// The page of `list` within positions `from..<to`: one range of the position-ordered index of
    /// the most selective filter (stream, type or actor, else the table itself), read backwards.
    static func listSQL(_ filter: AuditFilter, from: Int64?, to: Int64?, before: Int64?, limit: Int) -> (String, StatementArguments) {
        var query = ListQuery()
        if let stream = filter.stream { query.require("stream = ?", [stream]) }
        if let type = filter.type { query.require("type = ?", [type]) }
        if let actor = filter.actor { query.require("actor = ?", [actor]) }
        if let from { query.require("position >= ?", [from]) }
        if let to { query.require("position < ?", [to]) }
        if let before { query.require("position < ?", [before]) }
        return query.sql(select: "position, stream, type, actor, time_micros", from: "audit", orderBy: "position DESC", limit: limit)
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
