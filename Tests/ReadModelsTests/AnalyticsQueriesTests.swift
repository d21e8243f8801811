import Domain
import EventSourcing
import Foundation
import GRDB
import Projections
import ReadModels
import Testing

/// The analytics read model on a small known history written through every context's decider.
@Suite struct AnalyticsQueriesTests {
    static let admin = Principal.user(DomainHistory.id(90), .admin)
    static let first = DomainHistory.id(1), second = DomainHistory.id(2), third = DomainHistory.id(3), fourth = DomainHistory.id(4), mentorID = DomainHistory.id(10)

    /// Week 2026-W48 starts on Monday 2026-11-23 (`DomainHistory.monday`); W49 on 2026-11-30.
    static func history() async throws -> DomainHistory {
        let history = try DomainHistory("analytics")
        let monday = DomainHistory.monday
        try await history.signUp(first, .student, country: "SN", at: monday)
        try await history.signUp(second, .student, country: "sn", at: monday.addingTimeInterval(3_600))
        try await history.signUp(mentorID, .mentor, country: "CI", at: monday.addingTimeInterval(7_200))
        try await history.signUp(third, .student, country: nil, at: DomainHistory.at(days: 1))
        try await history.signUp(fourth, .student, country: "ci", at: DomainHistory.at(days: 7, hours: 2))
        for (user, time) in [(first, monday), (first, monday.addingTimeInterval(600)), (second, monday), (first, DomainHistory.at(days: 1))] {
            try await history.account(user, .logIn(Identity.Account.LoginAttempt(
                passwordMatches: true, familyID: UUID(), refreshToken: IssuedToken(tokenHash: "rt-\(UUID())", expiresAt: DomainHistory.at(days: 30)), now: time
            )))
        }

        // Mentoring: one session requested, accepted (W48) and completed (W49); one requested and cancelled (W48).
        let asMentor = Principal.user(mentorID, .mentor)
        _ = try await history.mentor(mentorID, .apply(Mentoring.Mentor.Application(
            expertiseAreas: ["Data science"], experienceYears: 5, languages: ["fr"], timeZone: "Africa/Dakar",
            availability: [AvailabilitySlot(day: .monday, start: "09:00", end: "17:30")]
        ), by: asMentor, now: monday))
        let mentor = try await history.mentor(mentorID, .verify(mentorID: mentorID, by: admin, now: monday))
        let nextMonday = DomainHistory.at(days: 7, hours: 1)
        let kept = DomainHistory.id(700), dropped = DomainHistory.id(701)
        try await history.session(kept, .request(.init(sessionID: kept, mentorID: mentorID, title: "CV review", scheduledAt: nextMonday, durationMinutes: 60),
                                                 mentor: mentor, by: .user(first, .student), now: monday))
        try await history.session(kept, .accept(mentorCalendar: Mentoring.BookingCalendar.initialState, menteeCalendar: Mentoring.BookingCalendar.initialState, by: asMentor, now: monday.addingTimeInterval(10_800)))
        try await history.session(kept, .complete(by: asMentor, now: nextMonday.addingTimeInterval(3_600)))
        try await history.session(dropped, .request(.init(sessionID: dropped, mentorID: mentorID, title: "Mock interview", scheduledAt: nextMonday.addingTimeInterval(10_800), durationMinutes: 60),
                                                    mentor: mentor, by: .user(second, .student), now: DomainHistory.at(days: 1)))
        try await history.session(dropped, .cancel(reason: nil, by: .user(second, .student), now: DomainHistory.at(days: 1, hours: 1)))

        // Events: two seats for three registrants; one event without a limit.
        let full = DomainHistory.id(800), open = DomainHistory.id(801)
        try await history.gathering(full, .create(eventID: full, EventQueriesTests.details("Atelier CV", .workshop, day: 10, seats: 2), by: asMentor, now: monday))
        try await history.gathering(open, .create(eventID: open, EventQueriesTests.details("Webinaire", .webinar, day: 12, online: true), by: asMentor, now: monday))
        for user in [first, second, third] {
            try await history.gathering(full, .register(by: .user(user, .student), now: DomainHistory.at(days: 1)))
        }
        try await history.gathering(open, .register(by: .user(first, .student), now: DomainHistory.at(days: 1)))

        // Communities: created, joined and posted in during W48; joined and posted in during W49.
        let community = DomainHistory.id(900)
        try await history.community(community, .create(communityID: community, .init(name: "Dakar Devs", category: .skill, isPrivate: false), by: asMentor, now: monday))
        try await history.community(community, .join(by: .user(first, .student), now: monday))
        try await history.community(community, .post(postID: DomainHistory.id(901), title: nil, body: "Bonjour", by: .user(first, .student), now: DomainHistory.at(days: 1)))
        try await history.community(community, .join(by: .user(second, .student), now: DomainHistory.at(days: 7)))
        try await history.community(community, .post(postID: DomainHistory.id(902), title: nil, body: "Salut", by: .user(second, .student), now: DomainHistory.at(days: 7)))

        // Scholarships: two created in November, one closed in December.
        let details = Scholarships.Details(
            title: "Bourse", description: "Pour tous", provider: "Fondation", deadline: DomainHistory.at(days: 60),
            eligibility: Scholarships.Eligibility(educationLevels: [], fieldsOfStudy: [], countries: [])
        )
        for id in [DomainHistory.id(950), DomainHistory.id(951)] {
            try await history.scholarship(id, .create(scholarshipID: id, details, by: admin, now: monday))
        }
        try await history.scholarship(DomainHistory.id(950), .close(by: admin, now: DomainHistory.at(days: 8)))
        return history
    }

    @Test func theOverviewCountsAKnownHistory() async throws {
        let history = try await Self.history()
        defer { history.close() }
        let set = try await history.project()
        let overview = try set.analytics.overview(now: DomainHistory.at(days: 8))

        let totals = overview.totals
        #expect([totals.usersSignedUp, totals.accountsErased, totals.logins, totals.sessionsRequested, totals.sessionsCompleted] == [5, 0, 4, 2, 1] as [Int])
        #expect([totals.events, totals.seatsTaken, totals.communities, totals.posts, totals.scholarshipsCreated, totals.scholarshipsClosed] == [2, 3, 1, 2, 2, 1] as [Int])
        #expect(overview.signupsPerDay.map { "\($0.day) \($0.signups) \($0.students) \($0.mentors)" } == ["2026-11-23 3 2 1", "2026-11-24 1 1 0", "2026-11-30 1 1 0"])
        #expect(overview.signupsByCountry.map { "\($0.countryCode):\($0.signups)" } == ["CI:2", "SN:2", ":1"])
        #expect(overview.signupsPerWeekByCountry.map { "\($0.week) \($0.countryCode):\($0.signups)" }
            == ["2026-W48 SN:2", "2026-W48 :1", "2026-W48 CI:1", "2026-W49 CI:1"])
        #expect(overview.loginsPerDay.map { "\($0.day) \($0.logins) \($0.failedLogins) \($0.activeUsers)" } == ["2026-11-23 3 0 2", "2026-11-24 1 0 1"])
        #expect(overview.sessionsPerWeek.map { "\($0.week) \($0.requested) \($0.accepted) \($0.declined) \($0.cancelled) \($0.completed)" }
            == ["2026-W48 2 1 0 1 0", "2026-W49 0 0 0 0 1"])
        #expect(overview.communityActivityPerWeek.map { "\($0.week) \($0.communitiesCreated) \($0.joins) \($0.posts)" } == ["2026-W48 1 1 1", "2026-W49 0 1 1"])
        #expect(overview.scholarshipsPerMonth.map { "\($0.month) \($0.created) \($0.closed)" } == ["2026-11 2 0", "2026-12 0 1"])
        let events = overview.upcomingEvents
        #expect(events.map(\.eventId) == [DomainHistory.id(800), DomainHistory.id(801)].map { $0.uuidString.lowercased() })
        #expect(events.map(\.startDate) == ["2026-12-03", "2026-12-05"])
        #expect(events.map(\.capacity) == [2, nil])
        #expect(events.map(\.seatsTaken) == [2, 1])
        #expect(events.map(\.waitlist) == [1, 0])
        #expect(events.map(\.fillRate) == [1, nil])

        // Narrower windows keep only the recent buckets.
        let recent = try set.analytics.overview(now: DomainHistory.at(days: 8), days: 1, weeks: 1, months: 1)
        #expect(recent.signupsPerDay.isEmpty)
        #expect(recent.sessionsPerWeek.map(\.week) == ["2026-W49"])
        #expect(recent.signupsPerWeekByCountry.map { "\($0.week) \($0.countryCode):\($0.signups)" } == ["2026-W49 CI:1"])
        #expect(recent.scholarshipsPerMonth.map(\.month) == ["2026-12"])

        // What an operator reads with SQL alone (docs/analytics.md).
        let storage = try #require(set.databases["analytics"])
        let rates = try storage.read { db in
            try Row.fetchAll(db, sql: "SELECT week, acceptance_rate FROM sessions_by_week ORDER BY week").map { "\($0["week"] as String): \($0["acceptance_rate"] as Double?)" }
        }
        #expect(rates == ["2026-W48: Optional(0.5)", "2026-W49: nil"])
        let fill = try storage.read { db in try Double.fetchOne(db, sql: "SELECT fill_rate FROM event_fill WHERE capacity IS NOT NULL") }
        #expect(fill == 1)
    }

    @Test func isoWeeksMatchTheProjectionsSpellingAcrossAYearEnd() throws {
        // 2027-01-01 is a Friday: it belongs to the last week of 2026, W53.
        let newYear = Date(timeIntervalSince1970: 1_798_761_600)
        #expect(AnalyticsQueries.isoWeek(newYear) == "2026-W53")
        #expect(AnalyticsQueries.isoWeek(DomainHistory.monday) == "2026-W48")
    }
}
