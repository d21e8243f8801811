public import GRDB

/// How the platform is doing: totals since the start and recent series (`GET /admin/analytics`).
///
/// Days are `YYYY-MM-DD`, weeks ISO 8601 `YYYY-Www`, months `YYYY-MM` (all UTC); series hold only
/// the buckets that saw activity, oldest first.
public struct AnalyticsOverview: Codable, Sendable, Equatable {
    /// Counts since the first event.
    public struct Totals: Codable, Sendable, Equatable, FetchableRecord {
        public var usersSignedUp: Int
        public var accountsErased: Int
        public var logins: Int
        public var sessionsRequested: Int
        public var sessionsCompleted: Int
        public var events: Int
        /// Seats currently held across all events.
        public var seatsTaken: Int
        public var communities: Int
        /// Posts not removed.
        public var posts: Int
        public var scholarshipsCreated: Int
        public var scholarshipsClosed: Int
    }

    /// Sign-ups of one day.
    public struct DailySignups: Codable, Sendable, Equatable, FetchableRecord {
        public var day: String
        public var signups: Int
        public var students: Int
        public var mentors: Int
    }

    /// Sign-ups from one country (`""`: none given).
    public struct CountrySignups: Codable, Sendable, Equatable, FetchableRecord {
        public var countryCode: String
        public var signups: Int
    }

    /// Sign-ups from one country (`""`: none given) in one ISO week.
    public struct WeeklyCountrySignups: Codable, Sendable, Equatable, FetchableRecord {
        public var week: String
        public var countryCode: String
        public var signups: Int
    }

    /// Logins of one day.
    public struct DailyLogins: Codable, Sendable, Equatable, FetchableRecord {
        public var day: String
        public var logins: Int
        public var failedLogins: Int
        /// Distinct users who logged in.
        public var activeUsers: Int
    }

    /// Mentoring sessions of one ISO week, by the week each step happened in.
    public struct WeeklySessions: Codable, Sendable, Equatable, FetchableRecord {
        public var week: String
        public var requested: Int
        public var accepted: Int
        public var declined: Int
        public var cancelled: Int
        public var completed: Int
    }

    /// Community activity of one ISO week, all communities together.
    public struct WeeklyCommunityActivity: Codable, Sendable, Equatable, FetchableRecord {
        public var week: String
        public var communitiesCreated: Int
        public var joins: Int
        public var posts: Int
    }

    /// Scholarships created and closed in one month.
    public struct MonthlyScholarships: Codable, Sendable, Equatable, FetchableRecord {
        public var month: String
        public var created: Int
        public var closed: Int
    }

    /// Registrations and fill rate of one event.
    public struct EventFill: Codable, Sendable, Equatable, FetchableRecord {
        public var eventId: String
        /// The start day, `YYYY-MM-DD`.
        public var startDate: String
        public var capacity: Int?
        public var seatsTaken: Int
        public var waitlist: Int
        /// `seatsTaken / capacity`, rounded to 3 places; `nil` without a limit.
        public var fillRate: Double?
        public var cancelled: Bool
    }

    public var totals: Totals
    /// The last `days` days.
    public var signupsPerDay: [DailySignups]
    /// Every country, most sign-ups first.
    public var signupsByCountry: [CountrySignups]
    /// The last `weeks` weeks, oldest first; within a week, most sign-ups first.
    public var signupsPerWeekByCountry: [WeeklyCountrySignups]
    /// The last `days` days.
    public var loginsPerDay: [DailyLogins]
    /// The last `weeks` weeks.
    public var sessionsPerWeek: [WeeklySessions]
    /// The last `weeks` weeks.
    public var communityActivityPerWeek: [WeeklyCommunityActivity]
    /// The last `months` months.
    public var scholarshipsPerMonth: [MonthlyScholarships]
    /// Events starting from today on, soonest first (at most 20).
    public var upcomingEvents: [EventFill]
}
