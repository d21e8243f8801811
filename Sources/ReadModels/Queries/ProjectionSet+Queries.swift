public import Projections

/// The typed queries of the read models, reached from the set that runs them.
///
/// Every query family is a small `Sendable` struct built from a `ProjectionSet`:
/// `try set.profiles.publicProfile(of:viewer:)`, `try set.mentors.available(...)`,
/// `try set.sessions.calendar(of:from:to:)`. Building one only looks up the read models it reads
/// (it throws `ReadModelError.unknown` when a projection file is missing); each query then reads a
/// consistent snapshot of its read model (`ReadModelError.notBuilt` before the first build).
extension ProjectionSet {
    /// Accounts and profiles (`projections/users.sql`), with sessions and mentors for the export.
    public var profiles: ProfileQueries {
        get throws { try ProfileQueries(self) }
    }

    /// Mentors (`projections/mentors.sql`).
    public var mentors: MentorQueries {
        get throws { try MentorQueries(self) }
    }

    /// Mentoring sessions and calendars (`projections/sessions.sql`, names from `users.sql`).
    public var sessions: SessionQueries {
        get throws { try SessionQueries(self) }
    }

    /// Notifications, reminders and mail settings (`projections/notifications.sql`, `users.sql`).
    public var notifications: NotificationQueries {
        get throws { try NotificationQueries(self) }
    }
}
