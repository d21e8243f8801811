public import Foundation
public import GRDB
import EventLog

extension ProjectionSet {
    /// Queries over the audit index (`projections/audit.sql`).
    public var audit: AuditQueries {
        get throws { AuditQueries(storage: try readModel("audit")) }
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
public struct AuditQueries: Sendable {
    let storage: SQLiteProjectionStorage

    /// The streams that belong to a user: their account, profile, mentor profile and calendar.
    public static func streams(of userID: UUID) -> [String] {
        let id = userID.uuidString.lowercased()
        return ["account-\(id)", "profile-\(id)", "mentor-\(id)", "calendar-\(id)"]
    }

    /// Every entry of the user's own streams or issued by them, oldest first (at most `limit`).
    public func entries(concerning userID: UUID, limit: Int = 10_000) throws -> [AuditEntry] {
        let streams = Self.streams(of: userID)
        let actor = userID.uuidString.lowercased()
        return try storage.read { db in
            try AuditEntry.fetchAll(db, sql: """
                SELECT position, stream, type, actor, time_micros FROM audit WHERE stream IN (?, ?, ?, ?)
                UNION
                SELECT position, stream, type, actor, time_micros FROM audit WHERE actor = ?
                ORDER BY position LIMIT ?
                """, arguments: [streams[0], streams[1], streams[2], streams[3], actor, limit])
        }
    }
}
