public import Foundation
public import GRDB
import EventLog
public import Projections

extension ProjectionSet {
    /// Queries over the audit index (`projections/audit.sql`).
    public var audit: AuditQueries {
        get throws { AuditQueries(storage: try readModel("audit"), log: log) }
    }
}

/// One event of the audit trail: where it is in the log, what it was, who caused it, when.
public struct AuditEntry: Codable, Sendable, Equatable, FetchableRecord {
    /// The event's global position: `protalent replay --from-position` and `verify` name it.
    public var position: Int64
    public var stream: String
    public var type: String
    /// A user id, `system` or an operator; `nil` when the command had no actor.
    public var actor: String?
    /// ISO 8601 UTC with milliseconds.
    public var time: String

    /// An entry with the given fields (`time` as ISO 8601 UTC with milliseconds).
    public init(position: Int64, stream: String, type: String, actor: String?, time: String) {
        self.position = position
        self.stream = stream
        self.type = type
        self.actor = actor
        self.time = time
    }

    /// From a row of `position, stream, type, actor, time_micros` (the model keeps the time as a
    /// number only; its text is made here, as the runner makes `:time`).
    public init(row: Row) throws {
        self.init(position: row["position"], stream: row["stream"], type: row["type"], actor: row["actor"],
                  time: ISO8601Micros.format(row["time_micros"]))
    }
}

/// Reads the audit index: the entries concerning a user (their data export).
///
/// A stream's events are found through the log's own stream index (in memory, every stream's
/// positions): the model keeps no index on stream, which spares a rebuild sorting a million rows
/// once more for it (docs/performance.md, "Audit without a stream index").
public struct AuditQueries: Sendable {
    let storage: SQLiteProjectionStorage
    let log: EventLog

    /// The streams that belong to a user: their account, profile, mentor profile and calendar.
    public static func streams(of userID: UUID) -> [String] {
        let id = userID.uuidString.lowercased()
        return ["account-\(id)", "profile-\(id)", "mentor-\(id)", "calendar-\(id)"]
    }

    /// Every entry of the user's own streams or issued by them, oldest first (at most `limit`).
    public func entries(concerning userID: UUID, limit: Int = 10_000) throws -> [AuditEntry] {
        let owned = Self.streams(of: userID).flatMap { log.positions(ofStream: $0) }
        let actor = userID.uuidString.lowercased()
        return try storage.read { db in
            var entries = try Self.entries(at: owned, db)
            let seen = Set(entries.map(\.position))
            entries += try AuditEntry.fetchAll(db, sql: "SELECT \(Self.columns) FROM audit WHERE actor = ? ORDER BY position LIMIT ?", arguments: [actor, limit])
                .filter { !seen.contains($0.position) }
            return Array(entries.sorted { $0.position < $1.position }.prefix(limit))
        }
    }

    /// The columns an `AuditEntry` is read from.
    static let columns = "position, stream, type, actor, time_micros"

    /// The entries at `positions` that the model holds (those past its checkpoint are not in it
    /// yet), in no particular order, with the extra conditions of `query`; read by primary key, a
    /// chunk of positions per statement.
    static func entries(at positions: some Collection<Int64>, where query: ListQuery = ListQuery(), _ db: Database) throws -> [AuditEntry] {
        var entries: [AuditEntry] = []
        var rest = positions[...]
        while !rest.isEmpty {
            let chunk = rest.prefix(500)
            rest = rest.dropFirst(chunk.count)
            let (sql, arguments) = positionsSQL(chunk, where: query)
            entries += try AuditEntry.fetchAll(db, sql: sql, arguments: arguments)
        }
        return entries
    }

    /// The statement of `entries(at:)` for one chunk: the positions as one JSON array argument.
    static func positionsSQL(_ positions: some Collection<Int64>, where query: ListQuery) -> (String, StatementArguments) {
        var conditions = query
        conditions.require("position IN (SELECT value FROM json_each(?))", ["[" + positions.map(String.init).joined(separator: ",") + "]"])
        return conditions.sql(select: columns, from: "audit")
    }
}
