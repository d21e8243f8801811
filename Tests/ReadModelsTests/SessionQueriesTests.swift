import Domain
import EventSourcing
import Foundation
import ReadModels
import Testing

/// `sessions.sql` and `SessionQueries`: a user's sessions paged newest first, the calendar with its
/// iCalendar sequence, one session with both parties' feedback.
@Suite struct SessionQueriesTests {
    static let mentor = UUID(uuidString: "e0000000-0000-4000-8000-000000000001")!
    static let awa = UUID(uuidString: "a0a00000-0000-4000-8000-000000000002")!
    static let bob = UUID(uuidString: "b0b00000-0000-4000-8000-000000000003")!
    static func hours(_ h: Double) -> Date { PeopleFixture.monday.addingTimeInterval(h * 3_600) }
    static func key(_ id: UUID) -> String { id.uuidString.lowercased() }

    static func people(_ fixture: PeopleFixture) async throws {
        try await fixture.register(mentor, first: "Fatou", last: "Sall", role: .mentor)
        try await fixture.register(awa, first: "Awa", last: "Diop", role: .mentor)
        try await fixture.register(bob, first: "Bob", last: "Martin")
        try await fixture.mentor(mentor)
        try await fixture.mentor(awa)
    }

    @Test func aUsersSessionsComeNewestFirstInPagesAndFilterBySideAndStatus() async throws {
        let fixture = try PeopleFixture()
        defer { fixture.close() }
        try await Self.people(fixture)
        // Awa books Fatou 25 times (two hours apart) and mentors Bob 3 times; 5 of hers are accepted.
        var asMentee: [UUID] = []
        var starts: [(id: UUID, hour: Int)] = []
        for i in 0..<25 {
            let id = try await fixture.request(mentor: Self.mentor, mentee: Self.awa, title: "Séance \(i)", start: Self.hours(Double(100 + i * 2)))
            asMentee.append(id)
            starts.append((id, 100 + i * 2))
            if i % 5 == 0 { try await fixture.accept(id, mentor: Self.mentor, now: Self.hours(1)) }
        }
        var asMentor: [UUID] = []
        for i in 0..<3 {
            asMentor.append(try await fixture.request(mentor: Self.awa, mentee: Self.bob, start: Self.hours(Double(101 + i * 10))))
            starts.append((asMentor[i], 101 + i * 10))
        }
        // Newest scheduled start first.
        let expected: [String] = starts.sorted { $0.hour > $1.hour }.map { Self.key($0.id) }

        try await fixture.running {
            try await fixture.caughtUp()
            let sessions = try fixture.set.sessions
            func walk(as party: Mentoring.Party? = nil, status: Mentoring.SessionStatus? = nil, limit: Int) throws -> [[SessionView]] {
                var pages: [[SessionView]] = []
                var cursor: PageCursor?
                repeat {
                    let page = try sessions.sessions(of: Self.awa, as: party, status: status, page: PageRequest(limit: limit, cursor: cursor))
                    pages.append(page.items)
                    cursor = try page.nextCursor.map { try #require(PageCursor(encoded: $0)) }
                } while cursor != nil && pages.count < 10
                return pages
            }
            let pages = try walk(limit: 10)
            #expect(pages.map(\.count) == [10, 10, 8])
            #expect(pages.flatMap { $0 }.map(\.id) == expected)
            #expect(try walk(as: .mentor, limit: 2).flatMap { $0 }.map(\.id) == asMentor.reversed().map(Self.key))
            #expect(try walk(as: .mentee, limit: 7).flatMap { $0 }.map(\.id) == asMentee.reversed().map(Self.key))
            let accepted = try walk(status: .accepted, limit: 2).flatMap { $0 }
            #expect(accepted.map(\.id) == [20, 15, 10, 5, 0].map { Self.key(asMentee[$0]) })
            #expect(accepted.allSatisfy { $0.status == .accepted && $0.sequence == 1 })
            #expect(try walk(as: .mentor, status: .accepted, limit: 5).flatMap { $0 }.isEmpty)

            let first = try #require(pages.last?.last)
            #expect(first.id == Self.key(asMentee[0]) && first.scheduledAt == "2026-12-04T04:00:00Z" && first.title == "Séance 0")
            #expect(try sessions.sessions(of: Self.bob).items.count == 3)
            #expect(try sessions.sessions(of: UUID()).items.isEmpty)
        }
    }

    @Test func theCalendarShowsTheSessionsMeetingTheWindowWithAStableUidAndARisingSequence() async throws {
        let fixture = try PeopleFixture()
        defer { fixture.close() }
        try await Self.people(fixture)
        let cancelled = try await fixture.request(mentor: Self.mentor, mentee: Self.awa, title: "CV", description: "Relire mon CV",
                                                  start: Self.hours(10), minutes: 90)
        let rated = try await fixture.request(mentor: Self.awa, mentee: Self.bob, title: "Orientation", start: Self.hours(14))
        let later = try await fixture.request(mentor: Self.mentor, mentee: Self.awa, title: "Plus tard", start: Self.hours(24 * 8))

        try await fixture.running {
            let sessions = try fixture.set.sessions
            func entries(_ user: UUID = Self.awa, from: Double = 0, to: Double = 24) async throws -> [SessionCalendarEntry] {
                try await fixture.caughtUp()
                return try sessions.calendar(of: user, from: Self.hours(from), to: Self.hours(to))
            }
            var calendar = try await entries()
            #expect(calendar.map(\.sessionId) == [cancelled, rated].map(Self.key))
            #expect(calendar.map(\.sequence) == [0, 0])
            #expect(calendar[0] == SessionCalendarEntry(
                uid: "\(Self.key(cancelled))@protalent", sessionId: Self.key(cancelled), sequence: 0, status: .requested,
                start: "2026-11-30T10:00:00Z", end: "2026-11-30T11:30:00Z", title: "CV", description: "Relire mon CV",
                counterpart: .init(userId: Self.key(Self.mentor), role: .mentor, name: "Fatou Sall"), updatedAt: "2026-11-23T00:00:00Z"))
            #expect(calendar[1].counterpart == .init(userId: Self.key(Self.bob), role: .mentee, name: "Bob Martin"))

            try await fixture.accept(cancelled, mentor: Self.mentor, now: Self.hours(1))
            #expect(try await entries().first.map { [$0.sequence] } == [1])
            try await fixture.session(cancelled, .cancel(reason: "Malade", by: .user(Self.awa, .mentor), now: Self.hours(2)))
            calendar = try await entries()
            #expect(calendar.first?.uid == "\(Self.key(cancelled))@protalent")
            #expect(calendar.first?.status == .cancelled && calendar.first?.sequence == 2)
            #expect(try sessions.session(cancelled)?.reason == "Malade")

            try await fixture.completeAndRate(rated, mentor: Self.awa, mentee: Self.bob, start: Self.hours(14), rating: 4, comment: "Merci !")
            try await fixture.session(rated, .giveFeedback(rating: 5, comment: "Très motivé", by: .user(Self.awa, .mentor), now: Self.hours(17)))
            calendar = try await entries()
            // requested 0, accepted 1, completed 2, the mentee's feedback 3, the mentor's 4.
            #expect(calendar.last?.sequence == 4 && calendar.last?.status == .completed)
            let session = try #require(try sessions.session(rated))
            #expect(session.feedback == .init(mentor: .init(rating: 5, comment: "Très motivé"), mentee: .init(rating: 4, comment: "Merci !")))
            #expect(session.endsAt == "2026-11-30T15:00:00Z" && session.durationMinutes == 60)
            #expect(try sessions.session(UUID()) == nil)

            // The window: a session still running at `from` counts, one starting at `to` does not.
            #expect(try await entries(from: 11, to: 12).map(\.sessionId) == [Self.key(cancelled)])
            #expect(try await entries(from: 11.5, to: 14).isEmpty)
            #expect(try await entries(from: 24 * 7, to: 24 * 9).map(\.title) == ["Plus tard"])
            #expect(try await entries(Self.mentor, from: 0, to: 24 * 9).map(\.sessionId) == [cancelled, later].map(Self.key))
        }
    }
}
