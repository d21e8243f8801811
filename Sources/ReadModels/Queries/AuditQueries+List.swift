import Foundation
import GRDB

extension AuditQueries {
    /// `GET /admin/audit?stream=&type=&actor=&from=&to=`: newest position first, paged.
    ///
    /// - Throws: `ReadModelError.invalidCursor` for a cursor of another list.
    public func list(_ filter: AuditFilter = AuditFilter(), page: PageRequest = PageRequest()) throws -> Page<AuditEntry> {
        var before: Int64?
        if let cursor = page.cursor {
            guard let position = Int64(cursor.key), cursor.id == cursor.key else { throw ReadModelError.invalidCursor("audit") }
            before = position
        }
        let (sql, arguments) = Self.listSQL(filter, before: before, limit: page.limit)
        let rows = try storage.read { db in try AuditEntry.fetchAll(db, sql: sql, arguments: arguments) }
        return page.page(rows) { PageCursor(key: "\($0.position)", id: "\($0.position)") }
    }

    /// The page of `list`. The log stamps times that never decrease with the position, so a time
    /// window is the position range between the first events at or after `from` and `to` (each
    /// found through `audit_by_time`); the page then reads one range of the position-ordered index
    /// of the most selective filter (stream, type or actor, else the table itself), backwards.
    static func listSQL(_ filter: AuditFilter, before: Int64?, limit: Int) -> (String, StatementArguments) {
        var query = ListQuery()
        if let stream = filter.stream { query.require("stream = ?", [stream]) }
        if let type = filter.type { query.require("type = ?", [type]) }
        if let actor = filter.actor { query.require("actor = ?", [actor]) }
        let firstAtOrAfter = "(SELECT position FROM audit WHERE time_micros >= ? ORDER BY time_micros, position LIMIT 1)"
        if let from = filter.from { query.require("position >= coalesce(\(firstAtOrAfter), 9223372036854775807)", [micros(from)]) }
        if let to = filter.to { query.require("position < coalesce(\(firstAtOrAfter), 9223372036854775807)", [micros(to)]) }
        if let before { query.require("position < ?", [before]) }
        return query.sql(select: "position, stream, type, actor, time_micros", from: "audit", orderBy: "position DESC", limit: limit)
    }

    static func micros(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down)) }
}
