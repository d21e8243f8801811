public import Foundation
import Domain
import GRDB
public import Projections

extension ProjectionSet {
    /// The typed queries over `projections/events.sql`.
    ///
    /// - Throws: `ReadModelError.unknown` when the set has no `events` projection.
    public var events: EventQueries {
        get throws { EventQueries(storage: try readModel("events")) }
    }
}

/// Reads of the events read model: lists, details with seats and the caller's place, a user's
/// calendar and registrations.
///
/// Every method reads one consistent snapshot and throws `ReadModelError.notBuilt` before the
/// projection's first build.
public struct EventQueries: Sendable {
    /// The read model.
    public let storage: SQLiteProjectionStorage

    /// Queries over `storage` (an `events.sql` read model).
    public init(storage: SQLiteProjectionStorage) {
        self.storage = storage
    }

    /// `GET /events?type=&from=&to=&online=&q=`: by start date, soonest first, paged. Cancelled
    /// events stay listed, flagged `cancelled`.
    public func list(_ filter: EventFilter = EventFilter(), page: PageRequest = PageRequest()) throws -> Page<EventView> {
        let (sql, arguments) = Self.listSQL(filter, page)
        let rows = try storage.read { db in try EventView.fetchAll(db, sql: sql, arguments: arguments) }
        return page.page(rows) { PageCursor(key: $0.startDate, id: $0.id) }
    }

    /// `GET /events/{id}`: seats taken and left, waitlist length, and `viewer`'s registration
    /// (status and waitlist place) when they have one; `nil` when there is no such event.
    public func event(id: UUID, viewer: UUID? = nil) throws -> EventView? {
        try storage.read { db in
            guard var event = try EventView.fetchOne(db, sql: "SELECT \(EventView.columns) FROM events WHERE id = ?", arguments: [QueryText.id(id)])
            else { return nil }
            if let viewer {
                event.viewerRegistration = try EventRegistrationStatus.fetchOne(db, sql: """
                    SELECT status, waitlist_position AS waitlistPosition FROM event_registrations WHERE event_id = ? AND user_id = ?
                    """, arguments: [QueryText.id(id), QueryText.id(viewer)])
            }
            return event
        }
    }

    /// `GET /events/calendar`: `userID`'s events overlapping `[from, to)`, by start. Seats held
    /// are `confirmed`; withdrawn registrations and called-off events are `cancelled` (so calendar
    /// clients drop them); waitlist places are left out until promoted.
    public func calendar(for userID: UUID, from: Date, to: Date) throws -> [EventCalendarEntry] {
        try storage.read { db in
            try EventCalendarEntry.fetchAll(db, sql: Self.calendarSQL, arguments: [QueryText.id(userID), QueryText.timestamp(to), QueryText.timestamp(from)])
        }
    }

    /// Every registration of `userID`, withdrawn ones included, by the event's start (for the export).
    public func registrations(ofUser userID: UUID) throws -> [UserEventRegistration] {
        try storage.read { db in
            try UserEventRegistration.fetchAll(db, sql: Self.registrationsSQL, arguments: [QueryText.id(userID)])
        }
    }

    /// The page of `list`: by start date, through the index of the most selective filter.
    static func listSQL(_ filter: EventFilter, _ page: PageRequest) -> (String, StatementArguments) {
        var query = ListQuery()
        if let type = filter.type { query.require("event_type = ?", [type.rawValue]) }
        if let online = filter.online { query.require("is_online = ?", [online]) }
        if let from = filter.from { query.require("start_date >= ?", [QueryText.timestamp(from)]) }
        if let to = filter.to { query.require("start_date < ?", [QueryText.timestamp(to)]) }
        query.contains(filter.query, in: ["title", "description"])
        if let cursor = page.cursor { query.require("(start_date, id) > (?, ?)", [cursor.key, cursor.id]) }
        return query.sql(select: EventView.columns, from: "events", orderBy: "start_date, id", limit: page.limit)
    }

    /// The rows of `calendar`: a user's registrations (index by user), then each event by id.
    static let calendarSQL = """
        SELECT e.id || '@protalent' AS uid, e.sequence + r.sequence AS sequence,
               CASE WHEN r.status = 'registered' AND e.cancelled = 0 THEN 'confirmed' ELSE 'cancelled' END AS status,
               e.id AS eventId, e.title, e.description, e.start_date AS start, e.end_date AS "end",
               e.location, e.meeting_url AS url, max(r.updated_at, coalesce(e.cancelled_at, '')) AS updatedAt
        FROM event_registrations r JOIN events e ON e.id = r.event_id
        WHERE r.user_id = ? AND r.status IN ('registered', 'cancelled') AND e.start_date < ? AND e.end_date > ?
        ORDER BY e.start_date, e.id
        """

    /// The rows of `registrations(ofUser:)`.
    static let registrationsSQL = """
        SELECT r.event_id AS eventId, e.title, e.start_date AS startDate, r.status, r.waitlist_position AS waitlistPosition,
               r.registered_at AS registeredAt, r.updated_at AS updatedAt
        FROM event_registrations r JOIN events e ON e.id = r.event_id
        WHERE r.user_id = ?
        ORDER BY e.start_date, r.event_id
        """
}
