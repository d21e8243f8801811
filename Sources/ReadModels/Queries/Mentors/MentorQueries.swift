import Domain
public import Foundation
import GRDB
public import Projections

/// The mentor queries over `projections/mentors.sql`.
public struct MentorQueries: Sendable {
    let mentors: SQLiteProjectionStorage
    /// Rows examined per round when a time window filters in Swift (one index range each).
    let windowChunk: Int

    /// The queries over `set`'s `mentors` read model.
    public init(_ set: ProjectionSet) throws {
        try self.init(set, windowChunk: 100)
    }

    init(_ set: ProjectionSet, windowChunk: Int) throws {
        mentors = try set.readModel("mentors")
        self.windowChunk = windowChunk
    }

    /// `GET /mentors/available?expertise=&language=&from=&to=`: verified mentors, best Bayesian
    /// rating first, then by id.
    ///
    /// - Parameters:
    ///   - expertise: one expertise area, matched whole and case-insensitively (ASCII case).
    ///   - language: an ISO 639 code, case-insensitively.
    ///   - from, to: a time window; only mentors whose weekly availability (in their own time zone)
    ///     meets some part of it are listed. One bound alone stands for a week from or up to it; an
    ///     empty or inverted window lists nobody (the HTTP layer should answer 422 for it).
    ///   Empty or blank `expertise` and `language` count as absent.
    ///   - page: limit and keyset cursor.
    /// - Throws: `ReadModelError.invalidCursor` for a cursor of another list.
    public func available(
        expertise: String? = nil, language: String? = nil, from: Date? = nil, to: Date? = nil, page: PageRequest = PageRequest()
    ) throws -> Page<MentorView> {
        let expertise = Self.present(expertise), language = Self.present(language)
        let week: TimeInterval = 7 * 86_400
        var window: (Date, Date)?
        switch (from, to) {
        case (let from?, let to?): window = (from, to)
        case (let from?, nil): window = (from, from.addingTimeInterval(week))
        case (nil, let to?): window = (to.addingTimeInterval(-week), to)
        case (nil, nil): window = nil
        }
        var after: (rating: Double, id: String)?
        if let cursor = page.cursor {
            guard let rating = Double(cursor.key) else { throw ReadModelError.invalidCursor("mentors") }
            after = (rating, cursor.id)
        }
        let wanted = page.limit + 1
        let chunk = window == nil ? wanted : max(wanted, windowChunk)
        var kept: [MentorView] = []
        // Keyset rounds: without a window the first round is the page; with one, rounds go on
        // until enough mentors meet the window or the list ends.
        while kept.count < wanted {
            let sql = Self.availableSQL(expertise: expertise != nil, language: language != nil, after: after != nil)
            var arguments: [String: (any DatabaseValueConvertible)?] = ["limit": chunk]
            if let expertise { arguments["expertise"] = expertise }
            if let language { arguments["language"] = language }
            if let after {
                arguments["rating"] = after.rating
                arguments["id"] = after.id
            }
            let statementArguments = StatementArguments(arguments)
            let rows = try mentors.read { db in try Row.fetchAll(db, sql: sql, arguments: statementArguments).map(Self.mentor) }
            for mentor in rows {
                if let (start, end) = window, !mentor.weeklyAvailability.overlaps(start: start, end: end) { continue }
                kept.append(mentor)
                if kept.count == wanted { break }
            }
            guard rows.count == chunk, let last = rows.last else { break }
            after = (last.rating.average, last.mentorId)
        }
        return page.page(kept) { PageCursor(key: "\($0.rating.average)", id: $0.mentorId) }
    }

    /// The filter's value, trimmed; `nil` when absent or blank.
    private static func present(_ value: String?) -> String? {
        guard let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }

    /// A mentor by id (verified or not); `nil` when unknown or erased.
    public func mentor(_ id: UUID) throws -> MentorView? {
        let sql = "SELECT \(Self.columns) FROM mentors m LEFT JOIN people p ON p.user_id = m.id WHERE m.id = ? AND m.erased = 0"
        let key = id.uuidString.lowercased()
        return try mentors.read { db in try Row.fetchOne(db, sql: sql, arguments: [key]).map(Self.mentor) }
    }

    static let columns = """
        m.id, m.expertise_areas, m.experience_years, m.hourly_rate_amount, m.hourly_rate_currency, m.languages, m.time_zone,
        m.availability, m.verified, m.rating, m.rating_count, m.rating_sum, m.sessions_requested, m.sessions_accepted,
        m.sessions_in_progress, m.sessions_completed, m.sessions_cancelled, m.sessions_declined, p.first_name, p.last_name
        """

    /// The list's SQL: the `mentors_listed_by_rating` index range, filters through the lists'
    /// primary keys (checked by `QueryPlanTests`).
    static func availableSQL(expertise: Bool, language: Bool, after: Bool) -> String {
        var sql = "SELECT \(columns) FROM mentors m LEFT JOIN people p ON p.user_id = m.id WHERE m.verified = 1 AND m.erased = 0"
        if expertise { sql += " AND m.id IN (SELECT mentor_id FROM mentor_expertise WHERE expertise = :expertise)" }
        if language { sql += " AND m.id IN (SELECT mentor_id FROM mentor_languages WHERE language = :language)" }
        // Rating descending, id ascending: a range on the rating, then ties after the id.
        if after { sql += " AND m.rating <= :rating AND (m.rating < :rating OR m.id > :id)" }
        return sql + " ORDER BY m.rating DESC, m.id LIMIT :limit"
    }

    static func mentor(_ row: Row) throws -> MentorView {
        let amount: String? = row["hourly_rate_amount"]
        let currency: String? = row["hourly_rate_currency"]
        return MentorView(
            mentorId: row["id"],
            name: DisplayName.of(first: row["first_name"], last: row["last_name"]),
            expertiseAreas: try Column.json([String].self, row["expertise_areas"], fallback: []),
            experienceYears: row["experience_years"],
            hourlyRate: amount.flatMap { amount in currency.map { Money(amount: amount, currency: $0) } },
            languages: try Column.json([String].self, row["languages"], fallback: []),
            timeZone: row["time_zone"],
            availability: try Column.json([AvailabilitySlot].self, row["availability"], fallback: []),
            verified: row["verified"],
            rating: .init(average: row["rating"], count: row["rating_count"], sum: row["rating_sum"]),
            sessions: .init(
                requested: row["sessions_requested"], accepted: row["sessions_accepted"], inProgress: row["sessions_in_progress"],
                completed: row["sessions_completed"], cancelled: row["sessions_cancelled"], declined: row["sessions_declined"]
            )
        )
    }
}
