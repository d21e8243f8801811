import Domain
import EventSourcing
import Foundation
import Projections
@testable import ReadModels
import Testing

/// `mentors.sql` and `MentorQueries`: ratings, session counts, filters, time windows, paging.
@Suite struct MentorQueriesTests {
    static let monday = PeopleFixture.monday

    static func id(_ n: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-4000-8000-%012d", n))! }
    static func key(_ id: UUID) -> String { id.uuidString.lowercased() }
    static func hours(_ h: Double) -> Date { monday.addingTimeInterval(h * 3_600) }

    @Test func theBayesianRatingMatchesTheDeciderAndSessionsAreCountedByStatus() async throws {
        let fixture = try PeopleFixture()
        defer { fixture.close() }
        let (steady, newcomer, unrated) = (Self.id(1), Self.id(2), Self.id(3))
        let mentees = (10..<16).map(Self.id)
        for (n, mentor) in [steady, newcomer, unrated].enumerated() {
            try await fixture.register(mentor, first: "Mentor\(n)", last: "Diallo", role: .mentor)
            try await fixture.mentor(mentor, hourlyRate: Money(amount: "40.00", currency: "EUR"))
        }
        for mentee in mentees { try await fixture.register(mentee, first: "Étudiant", last: "Ba") }
        // steady: 5, 5, 3 → (5·4 + 13) / (5 + 3) = 4.125; newcomer: one 5 → 25 / 6.
        for (i, rating) in [5, 5, 3].enumerated() {
            let start = Self.hours(Double(10 + i * 2))
            let session = try await fixture.request(mentor: steady, mentee: mentees[i], start: start)
            try await fixture.completeAndRate(session, mentor: steady, mentee: mentees[i], start: start, rating: rating)
        }
        let start = Self.hours(10)
        let single = try await fixture.request(mentor: newcomer, mentee: mentees[3], start: start)
        try await fixture.completeAndRate(single, mentor: newcomer, mentee: mentees[3], start: start, rating: 5)
        // steady's other sessions: one requested, one declined, one accepted then cancelled, one accepted, one started.
        try await fixture.request(mentor: steady, mentee: mentees[4], start: Self.hours(30))
        let declined = try await fixture.request(mentor: steady, mentee: mentees[4], start: Self.hours(32))
        try await fixture.session(declined, .decline(reason: nil, by: .user(steady, .mentor), now: Self.hours(-1)))
        let cancelled = try await fixture.request(mentor: steady, mentee: mentees[5], start: Self.hours(34))
        try await fixture.accept(cancelled, mentor: steady, now: Self.hours(-1))
        try await fixture.session(cancelled, .cancel(reason: "Empêchement", by: .user(mentees[5], .student), now: Self.hours(0)))
        let accepted = try await fixture.request(mentor: steady, mentee: mentees[5], start: Self.hours(36))
        try await fixture.accept(accepted, mentor: steady, now: Self.hours(-1))
        let started = try await fixture.request(mentor: steady, mentee: mentees[4], start: Self.hours(38))
        try await fixture.accept(started, mentor: steady, now: Self.hours(-1))
        try await fixture.session(started, .start(by: .user(mentees[4], .student), now: Self.hours(38)))

        let decided = try [steady, newcomer, unrated].map {
            try fixture.store.load(Mentoring.Mentor.self, stream: PeopleFixture.stream("mentor", $0)).state.rating
        }
        #expect(decided == [4.125, 25.0 / 6.0, 4.0])
        try await fixture.running {
            try await fixture.caughtUp()
            let mentors = try fixture.set.mentors
            let view = try #require(try mentors.mentor(steady))
            #expect(view.rating == MentorView.Rating(average: decided[0], count: 3, sum: 13))
            #expect(view.sessions == MentorView.SessionCounts(requested: 1, accepted: 1, inProgress: 1, completed: 3, cancelled: 1, declined: 1))
            #expect(view.name == "Mentor0 Diallo")
            #expect(view.hourlyRate == Money(amount: "40.00", currency: "EUR"))
            #expect(view.timeZone == "Africa/Dakar" && view.availability.count == 7 && view.verified)
            #expect(try mentors.mentor(newcomer)?.rating == MentorView.Rating(average: decided[1], count: 1, sum: 5))
            #expect(try mentors.mentor(unrated)?.rating == MentorView.Rating(average: 4.0, count: 0, sum: 0))
            // One 5-star rating outranks three averaging 4.33 by a hair; both outrank no rating.
            #expect(try mentors.available().items.map(\.mentorId) == [newcomer, steady, unrated].map(Self.key))
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let json = String(decoding: try encoder.encode(view), as: UTF8.self)
            #expect(json.contains(#""hourlyRate":{"amount":"40.00","currency":"EUR"}"#))
        }
    }

    @Test func expertiseLanguageAndTimeWindowFiltersReadEachMentorsTimeZone() async throws {
        let fixture = try PeopleFixture()
        defer { fixture.close() }
        let (dakar, tokyo, paris, unverified) = (Self.id(1), Self.id(2), Self.id(3), Self.id(4))
        for mentor in [dakar, tokyo, paris, unverified] { try await fixture.register(mentor, first: "M", last: "\(mentor)", role: .mentor) }
        let mondayMorning = [AvailabilitySlot(day: .monday, start: "09:00", end: "12:00")]
        // Dakar is UTC+0; Tokyo UTC+9 (Monday 00:00–03:00 UTC); Paris UTC+1 in November (Sunday 23:00–24:00 UTC).
        try await fixture.mentor(dakar, expertise: ["Data Science"], languages: ["fr"], timeZone: "Africa/Dakar", availability: mondayMorning)
        try await fixture.mentor(tokyo, expertise: ["data science", "Cloud"], languages: ["en", "ja"], timeZone: "Asia/Tokyo", availability: mondayMorning)
        try await fixture.mentor(paris, expertise: ["Finance"], languages: ["fr", "en"], timeZone: "Europe/Paris",
                                 availability: [AvailabilitySlot(day: .monday, start: "00:00", end: "01:00")])
        try await fixture.mentor(unverified, expertise: ["Data Science"], languages: ["fr"], verified: false)

        try await fixture.running {
            try await fixture.caughtUp()
            let mentors = try fixture.set.mentors
            func listed(expertise: String? = nil, language: String? = nil, from: Date? = nil, to: Date? = nil) throws -> Set<UUID> {
                Set(try mentors.available(expertise: expertise, language: language, from: from, to: to).items.map { UUID(uuidString: $0.mentorId)! })
            }
            #expect(try listed() == [dakar, tokyo, paris])
            #expect(try listed(expertise: "DATA SCIENCE") == [dakar, tokyo])
            #expect(try listed(language: "FR") == [dakar, paris])
            #expect(try listed(expertise: "data science", language: "fr") == [dakar])
            #expect(try listed(expertise: "data") == [])
            #expect(try listed(expertise: " ", language: "") == [dakar, tokyo, paris])
            #expect(try listed(expertise: " Finance ") == [paris])
            #expect(try listed(from: Self.hours(11), to: Self.hours(10)) == [])
            #expect(try listed(from: Self.hours(10), to: Self.hours(11)) == [dakar])
            #expect(try listed(from: Self.hours(1), to: Self.hours(2)) == [tokyo])
            #expect(try listed(from: Self.hours(-0.5), to: Self.hours(0.5)) == [paris, tokyo])
            #expect(try listed(from: Self.hours(12), to: Self.hours(13)) == [])
            // A week later, the same wall-clock windows.
            #expect(try listed(from: Self.hours(168 + 10), to: Self.hours(168 + 11)) == [dakar])
            #expect(try listed(from: Self.hours(-24), to: Self.hours(8 * 24)) == [dakar, tokyo, paris])
            #expect(try listed(from: Self.hours(5)) == [dakar, tokyo, paris])
            #expect(try listed(language: "en", from: Self.hours(-0.5), to: Self.hours(0.25)) == [paris, tokyo])
            #expect(try mentors.mentor(unverified)?.verified == false)
        }
    }

    @Test func pagesFollowTheirCursorsWithoutDuplicatesOrGaps() async throws {
        let fixture = try PeopleFixture()
        defer { fixture.close() }
        let all = (1...25).map(Self.id)
        let (liked, disliked, mentee) = (all[12], all[3], Self.id(99))
        try await fixture.register(mentee, first: "Awa", last: "Ba")
        for (n, mentor) in all.enumerated() {
            try await fixture.register(mentor, first: "M\(n)", last: "Sow", role: .mentor)
            // Odd mentors keep Tokyo's Monday morning; even ones Dakar's.
            try await fixture.mentor(mentor, timeZone: n.isMultiple(of: 2) ? "Africa/Dakar" : "Asia/Tokyo",
                                     availability: [AvailabilitySlot(day: .monday, start: "09:00", end: "12:00")])
        }
        // liked is in Dakar (10:00 UTC is 10:00 there), disliked in Tokyo (01:00 UTC is 10:00 there).
        for (mentor, rating, start) in [(liked, 5, Self.hours(10)), (disliked, 1, Self.hours(1))] {
            let session = try await fixture.request(mentor: mentor, mentee: mentee, start: start)
            try await fixture.completeAndRate(session, mentor: mentor, mentee: mentee, start: start, rating: rating)
        }
        // Best rating first, ties by id: liked (25/6), the 23 unrated (4.0) by id, disliked (21/6).
        let expected = [liked] + all.filter { $0 != liked && $0 != disliked } + [disliked]

        try await fixture.running {
            try await fixture.caughtUp()
            let mentors = try fixture.set.mentors
            func walk(limit: Int, from: Date? = nil, to: Date? = nil, queries: MentorQueries? = nil) throws -> [[UUID]] {
                var pages: [[UUID]] = []
                var cursor: PageCursor?
                repeat {
                    let page = try (queries ?? mentors).available(from: from, to: to, page: PageRequest(limit: limit, cursor: cursor))
                    pages.append(page.items.map { UUID(uuidString: $0.mentorId)! })
                    cursor = try page.nextCursor.map { try #require(PageCursor(encoded: $0)) }
                } while cursor != nil && pages.count < 10
                return pages
            }
            let pages = try walk(limit: 10)
            #expect(pages.map(\.count) == [10, 10, 5])
            #expect(pages.flatMap { $0 } == expected)
            // Dakar's mentors (even n) only; pages filled across the window filter.
            let dakar = expected.filter { all.firstIndex(of: $0)!.isMultiple(of: 2) }
            let windowed = try walk(limit: 4, from: Self.hours(10), to: Self.hours(11))
            #expect(windowed.flatMap { $0 } == dakar)
            #expect(windowed.map(\.count) == [4, 4, 4, 1])
            // The same with the filter reading 5 rows a round: several rounds per page.
            let small = try MentorQueries(fixture.set, windowChunk: 5)
            #expect(try walk(limit: 4, from: Self.hours(10), to: Self.hours(11), queries: small) == windowed)
            #expect(throws: ReadModelError.invalidCursor("mentors")) {
                try mentors.available(page: PageRequest(cursor: PageCursor(key: "not a rating", id: "x")))
            }
        }
    }
}
