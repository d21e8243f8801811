public import Foundation
import GRDB
public import Projections

extension ProjectionSet {
    /// The typed queries over `projections/analytics.sql`.
    ///
    /// - Throws: `ReadModelError.unknown` when the set has no `analytics` projection.
    public var analytics: AnalyticsQueries {
        get throws { AnalyticsQueries(storage: try readModel("analytics")) }
    }
}

/// Reads of the analytics read model (operators can also query its tables and views directly:
/// docs/analytics.md).
public struct AnalyticsQueries: Sendable {
    /// The read model.
    public let storage: SQLiteProjectionStorage

    /// Queries over `storage` (an `analytics.sql` read model).
    public init(storage: SQLiteProjectionStorage) {
        self.storage = storage
    }

    /// Totals and the recent series as of `now`: the last `days` days (today included), `weeks`
    /// ISO weeks and `months` months.
    ///
    /// - Throws: `ReadModelError.notBuilt` before the projection's first build.
    public func overview(now: Date = Date(), days: Int = 30, weeks: Int = 12, months: Int = 12) throws -> AnalyticsOverview {
        let calendar = Self.utc
        let firstDay = Self.day(calendar.date(byAdding: .day, value: -(max(days, 1) - 1), to: now) ?? now)
        let firstWeek = Self.isoWeek(calendar.date(byAdding: .day, value: -7 * (max(weeks, 1) - 1), to: now) ?? now)
        let firstMonth = String(Self.day(calendar.date(byAdding: .month, value: -(max(months, 1) - 1), to: now) ?? now).prefix(7))
        let today = Self.day(now)
        return try storage.read { db in
            let totals = try AnalyticsOverview.Totals.fetchOne(db, sql: """
                SELECT users_signed_up AS usersSignedUp, accounts_erased AS accountsErased, logins,
                       sessions_requested AS sessionsRequested, sessions_completed AS sessionsCompleted, events,
                       seats_taken AS seatsTaken, communities, posts,
                       scholarships_created AS scholarshipsCreated, scholarships_closed AS scholarshipsClosed
                FROM platform_totals
                """)
            return AnalyticsOverview(
                totals: totals ?? .init(usersSignedUp: 0, accountsErased: 0, logins: 0, sessionsRequested: 0, sessionsCompleted: 0,
                                            events: 0, seatsTaken: 0, communities: 0, posts: 0, scholarshipsCreated: 0, scholarshipsClosed: 0),
                signupsPerDay: try AnalyticsOverview.DailySignups.fetchAll(db, sql: """
                    SELECT day, sum(signups) AS signups, sum(CASE role WHEN 'student' THEN signups ELSE 0 END) AS students,
                           sum(CASE role WHEN 'mentor' THEN signups ELSE 0 END) AS mentors
                    FROM signups_daily WHERE day >= ? GROUP BY day ORDER BY day
                    """, arguments: [firstDay]),
                signupsByCountry: try AnalyticsOverview.CountrySignups.fetchAll(db, sql: """
                    SELECT country_code AS countryCode, signups FROM signups_by_country ORDER BY signups DESC, country_code
                    """),
                signupsPerWeekByCountry: try AnalyticsOverview.WeeklyCountrySignups.fetchAll(db, sql: """
                    SELECT week, country_code AS countryCode, signups FROM signups_weekly WHERE week >= ?
                    ORDER BY week, signups DESC, country_code
                    """, arguments: [firstWeek]),
                loginsPerDay: try AnalyticsOverview.DailyLogins.fetchAll(db, sql: """
                    SELECT day, logins, failed_logins AS failedLogins,
                           (SELECT count(*) FROM active_users_daily a WHERE a.day = i.day) AS activeUsers
                    FROM identity_daily i WHERE day >= ? ORDER BY day
                    """, arguments: [firstDay]),
                sessionsPerWeek: try AnalyticsOverview.WeeklySessions.fetchAll(db, sql: """
                    SELECT week, requested, accepted, declined, cancelled, completed FROM sessions_weekly WHERE week >= ? ORDER BY week
                    """, arguments: [firstWeek]),
                communityActivityPerWeek: try AnalyticsOverview.WeeklyCommunityActivity.fetchAll(db, sql: """
                    SELECT week, sum(created) AS communitiesCreated, sum(joins) AS joins, sum(posts) AS posts
                    FROM community_weekly WHERE week >= ? GROUP BY week ORDER BY week
                    """, arguments: [firstWeek]),
                scholarshipsPerMonth: try AnalyticsOverview.MonthlyScholarships.fetchAll(db, sql: """
                    SELECT month, created, closed FROM scholarships_monthly WHERE month >= ? ORDER BY month
                    """, arguments: [firstMonth]),
                upcomingEvents: try AnalyticsOverview.EventFill.fetchAll(db, sql: """
                    SELECT event_id AS eventId, start_date AS startDate, capacity, seats_taken AS seatsTaken, waitlist_now AS waitlist,
                           fill_rate AS fillRate, cancelled
                    FROM event_fill WHERE start_date >= ? ORDER BY start_date, event_id LIMIT 20
                    """, arguments: [today])
            )
        }
    }

    /// The Gregorian calendar in UTC, where the buckets live.
    private static var utc: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar
    }

    /// `YYYY-MM-DD` of `date` in UTC.
    static func day(_ date: Date) -> String {
        String(QueryText.timestamp(date).prefix(10))
    }

    /// The ISO 8601 week of `date` in UTC, `YYYY-Www`, as `analytics.sql` spells its `week` buckets.
    public static func isoWeek(_ date: Date) -> String {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = utc.timeZone
        let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
        let week = parts.weekOfYear ?? 1
        return "\(parts.yearForWeekOfYear ?? 1970)-W\(week < 10 ? "0" : "")\(week)"
    }
}
