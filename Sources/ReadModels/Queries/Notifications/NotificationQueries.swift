public import Foundation
import GRDB
public import Projections

/// The queries over `projections/notifications.sql` (and the mail settings of `users.sql`).
///
/// They answer for a recipient id and do not authorise: the HTTP layer passes the caller's own id,
/// so a person only ever reads and marks their own notifications.
public struct NotificationQueries: Sendable {
    let notifications: SQLiteProjectionStorage
    let users: SQLiteProjectionStorage
    /// The runner of the notifications model, whose checkpoint says what it holds.
    public let runner: ProjectionRunner

    /// The queries over `set`'s `notifications` and `users` read models.
    public init(_ set: ProjectionSet) throws {
        notifications = try set.readModel("notifications")
        users = try set.readModel("users")
        guard let runner = set.runner(named: "notifications") else { throw ReadModelError.unknown("notifications") }
        self.runner = runner
    }

    static let columns = "recipient_id, id, kind, subject_id, subject_title, subject_at, actor_id, created_at, read_at"

    /// `GET /notifications`: the person's notifications, newest first, all or only the unread.
    public func inbox(of userID: UUID, unreadOnly: Bool, page: PageRequest) throws -> Page<NotificationRecord> {
        var sql = "SELECT \(Self.columns) FROM notifications WHERE recipient_id = :user"
        if unreadOnly { sql += " AND read_at IS NULL" }
        var arguments: [String: (any DatabaseValueConvertible)?] = ["user": Self.key(userID), "limit": page.limit + 1]
        if let cursor = page.cursor {
            sql += " AND id < :after"
            arguments["after"] = Int64(cursor.id) ?? 0
        }
        sql += " ORDER BY id DESC LIMIT :limit"
        let statementArguments = StatementArguments(arguments)
        let query = sql
        let rows = try notifications.read { db in try Row.fetchAll(db, sql: query, arguments: statementArguments).map(Self.record) }
        return page.page(rows) { PageCursor(key: "", id: String($0.id)) }
    }

    /// How many of the person's notifications are unread.
    public func unreadCount(of userID: UUID) throws -> Int {
        let key = Self.key(userID)
        return try notifications.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM notifications WHERE recipient_id = ? AND read_at IS NULL", arguments: [key]) ?? 0
        }
    }

    /// One of the person's notifications; `nil` when they have none with this id.
    public func notification(_ id: Int64, of userID: UUID) throws -> NotificationRecord? {
        let sql = "SELECT \(Self.columns) FROM notifications WHERE recipient_id = ? AND id = ?"
        let key = Self.key(userID)
        return try notifications.read { db in try Row.fetchOne(db, sql: sql, arguments: [key, id]).map(Self.record) }
    }

    /// The id of the person's newest notification (0 when none).
    public func newestID(of userID: UUID) throws -> Int64 {
        let key = Self.key(userID)
        return try notifications.read { db in
            try Int64.fetchOne(db, sql: "SELECT max(id) FROM notifications WHERE recipient_id = ?", arguments: [key]) ?? 0
        }
    }

    /// The person's notifications after `id`, oldest first (a live client resuming).
    public func after(_ id: Int64, of userID: UUID, limit: Int = 1_000) throws -> [NotificationRecord] {
        let sql = "SELECT \(Self.columns) FROM notifications WHERE recipient_id = ? AND id > ? ORDER BY id LIMIT ?"
        let key = Self.key(userID)
        return try notifications.read { db in try Row.fetchAll(db, sql: sql, arguments: [key, id, limit]).map(Self.record) }
    }

    /// Everyone's notifications with an id in `(after, upTo]`, oldest first: what the model added
    /// between two checkpoints (the live feed's and the mail's one read for every recipient).
    public func added(after: Int64, upTo: Int64) throws -> [NotificationRecord] {
        let sql = "SELECT \(Self.columns) FROM notifications WHERE id > ? AND id <= ? ORDER BY id, recipient_id"
        return try notifications.read { db in try Row.fetchAll(db, sql: sql, arguments: [after, upTo]).map(Self.record) }
    }

    /// Reminders due at `now` that have not fired and are not moot, earliest first.
    public func dueReminders(at now: Date, limit: Int = 100) throws -> [DueReminder] {
        let stored = Timestamp.stored(now)
        let sql = """
            SELECT key, kind, subject_id, recipient_id, due_at FROM reminders
            WHERE fired_at IS NULL AND due_at <= ? AND until_at > ? ORDER BY due_at, key LIMIT ?
            """
        return try notifications.read { db in
            try Row.fetchAll(db, sql: sql, arguments: [stored, stored, limit]).compactMap { row -> DueReminder? in
                guard let subject = UUID(uuidString: row["subject_id"]), let due = Timestamp.parse(row["due_at"]) else { return nil }
                let recipient: String? = row["recipient_id"]
                return DueReminder(key: row["key"], kind: row["kind"], subjectId: subject, recipientId: recipient.flatMap(UUID.init), dueAt: due)
            }
        }
    }

    /// The students a scholarship fits: their country and education level are among those it
    /// names (an empty list names every one).
    public func peopleFitting(scholarship id: UUID) throws -> [UUID] {
        let sql = """
            SELECT p.id FROM n_people p JOIN n_scholarships s ON s.id = ?
            WHERE p.role = 'student'
              AND (json_array_length(s.countries) = 0 OR p.country_code IN (SELECT value FROM json_each(s.countries)))
              AND (json_array_length(s.education_levels) = 0 OR p.education_level IN (SELECT value FROM json_each(s.education_levels)))
            ORDER BY p.id
            """
        let key = Self.key(id)
        return try notifications.read { db in try String.fetchAll(db, sql: sql, arguments: [key]).compactMap(UUID.init) }
    }

    /// The mail settings of each of `ids` that has an account.
    public func recipients(_ ids: Set<String>) throws -> [String: NotificationRecipient] {
        guard !ids.isEmpty else { return [:] }
        let list = Array(ids)
        let marks = Array(repeating: "?", count: list.count).joined(separator: ",")
        let sql = """
            SELECT u.id, u.email, u.status, p.first_name, coalesce(p.language, 'fr') AS language,
                   coalesce(p.email_notifications, 1) AS email_notifications
            FROM users u LEFT JOIN profiles p ON p.user_id = u.id WHERE u.id IN (\(marks))
            """
        return try users.read { db in
            var found: [String: NotificationRecipient] = [:]
            for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(list)) {
                let status: String = row["status"]
                found[row["id"]] = NotificationRecipient(
                    email: status == "erased" ? nil : row["email"], firstName: row["first_name"], language: row["language"],
                    wantsEmail: (row["email_notifications"] as Int) != 0
                )
            }
            return found
        }
    }

    /// The person's language (`fr` by default).
    public func language(of userID: UUID) throws -> String {
        let key = Self.key(userID)
        return try users.read { db in
            try String.fetchOne(db, sql: "SELECT language FROM profiles WHERE user_id = ?", arguments: [key]) ?? "fr"
        }
    }

    private static func key(_ id: UUID) -> String { id.uuidString.lowercased() }

    private static func record(_ row: Row) -> NotificationRecord {
        NotificationRecord(
            recipientId: row["recipient_id"], id: row["id"], kind: row["kind"], subjectId: row["subject_id"],
            subjectTitle: row["subject_title"], subjectAt: row["subject_at"], actorId: row["actor_id"],
            createdAt: row["created_at"], readAt: row["read_at"]
        )
    }
}
