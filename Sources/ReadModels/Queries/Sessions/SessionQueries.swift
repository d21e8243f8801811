public import Domain
public import Foundation
import GRDB
public import Projections

/// The session queries over `projections/sessions.sql` (counterpart names from `users.sql`).
///
/// They answer for a user id and do not authorise: the HTTP layer passes the caller's own id,
/// and for one session checks that the caller is `mentorId`, `menteeId` or an admin.
public struct SessionQueries: Sendable {
    let sessions: SQLiteProjectionStorage
    let users: SQLiteProjectionStorage

    /// The queries over `set`'s `sessions` and `users` read models.
    public init(_ set: ProjectionSet) throws {
        sessions = try set.readModel("sessions")
        users = try set.readModel("users")
    }

    /// One session by id; `nil` when unknown.
    public func session(_ id: UUID) throws -> SessionView? {
        let sql = "SELECT \(Self.columns) FROM sessions WHERE id = ?"
        let key = id.uuidString.lowercased()
        return try sessions.read { db in try Row.fetchOne(db, sql: sql, arguments: [key]).map(Self.session) }
    }

    /// `GET /mentors/sessions`: the user's sessions, newest scheduled start first (then id).
    ///
    /// - Parameters:
    ///   - party: only those where the user is the mentor, or the mentee; both when `nil`.
    ///   - status: only sessions in this status.
    public func sessions(
        of userID: UUID, as party: Mentoring.Party? = nil, status: Mentoring.SessionStatus? = nil, page: PageRequest = PageRequest()
    ) throws -> Page<SessionView> {
        let sql = Self.listSQL(party: party, status: status != nil, after: page.cursor != nil)
        var arguments: [String: (any DatabaseValueConvertible)?] = ["user": userID.uuidString.lowercased(), "limit": page.limit + 1]
        if let status { arguments["status"] = status.rawValue }
        if let cursor = page.cursor {
            arguments["key"] = cursor.key
            arguments["id"] = cursor.id
        }
        let statementArguments = StatementArguments(arguments)
        let rows = try sessions.read { db in try Row.fetchAll(db, sql: sql, arguments: statementArguments).map(Self.sessionWithKey) }
        let page = page.page(rows) { PageCursor(key: $0.key, id: $0.view.id) }
        return Page(items: page.items.map(\.view), nextCursor: page.nextCursor)
    }

    /// Every session of the user on one side, newest first (for the export).
    func all(of userID: UUID, as party: Mentoring.Party) throws -> [SessionView] {
        let column = party == .mentor ? "mentor_id" : "mentee_id"
        let sql = "SELECT \(Self.columns) FROM sessions WHERE \(column) = ? ORDER BY scheduled_at DESC, id DESC"
        let key = userID.uuidString.lowercased()
        return try sessions.read { db in try Row.fetchAll(db, sql: sql, arguments: [key]).map(Self.session) }
    }

    /// `GET /mentors/calendar`: the user's sessions (as mentor or mentee, every status) that meet
    /// `[from, to)`, by start then id, with the counterpart's name.
    public func calendar(of userID: UUID, from: Date, to: Date) throws -> [SessionCalendarEntry] {
        let user = userID.uuidString.lowercased()
        // A session meeting the window starts before `to` and at most the longest duration before `from`:
        // a bounded range of the (party, scheduled_at) indexes.
        let earliest = from.addingTimeInterval(-Double(Mentoring.Session.maximumMinutes * 60))
        let arguments = StatementArguments([
            "user": user, "earliest": Timestamp.stored(earliest), "from": Timestamp.stored(from), "to": Timestamp.stored(to),
        ])
        let sql = Self.calendarSQL
        let found = try sessions.read { db in try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.session) }
        let others = Set(found.map { $0.mentorId == user ? $0.menteeId : $0.mentorId })
        let names = try Self.names(of: others, in: users)
        return found.map { session in
            let counterpart = session.mentorId == user
                ? SessionCalendarEntry.Counterpart(userId: session.menteeId, role: .mentee, name: names[session.menteeId])
                : SessionCalendarEntry.Counterpart(userId: session.mentorId, role: .mentor, name: names[session.mentorId])
            return SessionCalendarEntry(
                uid: "\(session.id)@protalent", sessionId: session.id, sequence: session.sequence, status: session.status,
                start: session.scheduledAt, end: session.endsAt, title: session.title, description: session.description,
                counterpart: counterpart, updatedAt: session.updatedAt
            )
        }
    }

    /// Display names of `ids` from the users read model (erased people have none).
    static func names(of ids: Set<String>, in users: SQLiteProjectionStorage) throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        let list = Array(ids)
        let sql = "SELECT user_id, first_name, last_name FROM profiles WHERE user_id IN (\(databaseQuestionMarks(count: list.count)))"
        return try users.read { db in
            var names: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(list)) {
                names[row["user_id"]] = DisplayName.of(first: row["first_name"], last: row["last_name"])
            }
            return names
        }
    }

    static let columns = """
        id, mentor_id, mentee_id, title, description, scheduled_at, duration_minutes, ends_at, status, reason,
        mentor_rating, mentor_comment, mentee_rating, mentee_comment, created_at, updated_at, sequence
        """

    /// The list's SQL: one `(party, [status,] scheduled_at, id)` index range per side, each cut at
    /// the page size, merged (checked by `QueryPlanTests`).
    static func listSQL(party: Mentoring.Party?, status: Bool, after: Bool) -> String {
        func side(_ column: String) -> String {
            var sql = "SELECT \(columns) FROM sessions WHERE \(column) = :user"
            if status { sql += " AND status = :status" }
            if after { sql += " AND (scheduled_at, id) < (:key, :id)" }
            return sql + " ORDER BY scheduled_at DESC, id DESC LIMIT :limit"
        }
        switch party {
        case .mentor: return side("mentor_id")
        case .mentee: return side("mentee_id")
        case nil:
            return "SELECT * FROM (\(side("mentor_id"))) UNION ALL SELECT * FROM (\(side("mentee_id"))) "
                + "ORDER BY scheduled_at DESC, id DESC LIMIT :limit"
        }
    }

    static let calendarSQL: String = {
        func side(_ column: String) -> String {
            "SELECT \(columns) FROM sessions WHERE \(column) = :user AND scheduled_at >= :earliest AND scheduled_at < :to AND ends_at > :from"
        }
        return "\(side("mentor_id")) UNION ALL \(side("mentee_id")) ORDER BY scheduled_at, id"
    }()

    static func session(_ row: Row) throws -> SessionView {
        func feedback(_ party: String) -> SessionView.Feedback? {
            guard let rating: Int = row["\(party)_rating"] else { return nil }
            return SessionView.Feedback(rating: rating, comment: row["\(party)_comment"])
        }
        return SessionView(
            id: row["id"], mentorId: row["mentor_id"], menteeId: row["mentee_id"], title: row["title"], description: row["description"],
            scheduledAt: Timestamp.contract(row["scheduled_at"]), durationMinutes: row["duration_minutes"],
            endsAt: Timestamp.contract(row["ends_at"]),
            status: try Column.raw(Mentoring.SessionStatus.self, row["status"], projection: "sessions", column: "status"),
            reason: row["reason"], feedback: .init(mentor: feedback("mentor"), mentee: feedback("mentee")),
            createdAt: Timestamp.contract(row["created_at"]), updatedAt: Timestamp.contract(row["updated_at"]), sequence: row["sequence"]
        )
    }

    /// A session with its stored sort key (the cursor needs the stored form, milliseconds included).
    private static func sessionWithKey(_ row: Row) throws -> Keyed {
        Keyed(key: row["scheduled_at"], view: try session(row))
    }

    private struct Keyed: Sendable, Encodable {
        var key: String
        var view: SessionView
    }
}
