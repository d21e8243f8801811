import Domain
import Foundation
import ProjectionsTestSupport
import ReadModels
import Testing

/// Event read model and queries, from a history decided by `Gathering` and projected by
/// `projections/events.sql`.
@Suite struct EventQueriesTests {
    static let mentor = Principal.user(DomainHistory.id(10), .mentor)
    static let workshop = DomainHistory.id(500), webinar = DomainHistory.id(501), conference = DomainHistory.id(502)
    static func user(_ n: Int) -> UUID { DomainHistory.id(20 + n) }
    static func principal(_ n: Int) -> Principal { .user(user(n), .student) }

    static func details(
        _ title: String, _ kind: Gathering.Kind, day: Double, online: Bool = false, seats: Int? = nil
    ) -> Gathering.Details {
        Gathering.Details(
            title: title, description: "About \(title.lowercased())", eventType: kind,
            startDate: DomainHistory.at(days: day, hours: 1), endDate: DomainHistory.at(days: day, hours: 3), isOnline: online,
            location: online ? nil : "Dakar, Jokkolabs", meetingUrl: online ? "https://meet.example.org/\(kind)" : nil, maxParticipants: seats
        )
    }

    /// A workshop of two seats with five registrants, a webinar without limit, a conference.
    static func history() async throws -> DomainHistory {
        let history = try DomainHistory("events")
        let now = DomainHistory.monday
        try await history.gathering(workshop, .create(eventID: workshop, details("Atelier CV", .workshop, day: 7, seats: 2), by: mentor, now: now))
        try await history.gathering(webinar, .create(eventID: webinar, details("Data careers", .webinar, day: 3, online: true), by: mentor, now: now))
        try await history.gathering(conference, .create(eventID: conference, details("Tech Summit", .conference, day: 14), by: mentor, now: now))
        for n in 1...5 {
            try await history.gathering(workshop, .register(by: principal(n), now: now.addingTimeInterval(Double(n) * 60)))
        }
        try await history.gathering(webinar, .register(by: principal(1), now: now))
        return history
    }

    @Test func waitlistPositionsCloseUpWhenSomeoneAheadLeavesOrIsPromoted() async throws {
        let history = try await Self.history()
        defer { history.close() }
        let set = try history.projections()
        try await history.catchUp(set)
        func place(_ n: Int) throws -> EventRegistrationStatus? {
            try set.events.event(id: Self.workshop, viewer: Self.user(n))?.viewerRegistration
        }
        #expect(try place(3) == EventRegistrationStatus(status: .waitlisted, waitlistPosition: 1))
        #expect(try place(5) == EventRegistrationStatus(status: .waitlisted, waitlistPosition: 3))

        // The second in line leaves: the third moves up.
        try await history.gathering(Self.workshop, .cancelRegistration(by: Self.principal(4), now: DomainHistory.at(days: 1)))
        // A seat frees: the first in line is promoted, the last moves up again.
        let decided = try await history.gathering(Self.workshop, .cancelRegistration(by: Self.principal(1), now: DomainHistory.at(days: 2)))
        #expect(decided.map(\.eventType) == ["gatherings.registration-cancelled", "gatherings.waitlist-promoted"])
        try await history.catchUp(set)

        #expect(try place(1) == EventRegistrationStatus(status: .cancelled, waitlistPosition: nil))
        #expect(try place(2) == EventRegistrationStatus(status: .registered, waitlistPosition: nil))
        #expect(try place(3) == EventRegistrationStatus(status: .registered, waitlistPosition: nil))
        #expect(try place(4) == EventRegistrationStatus(status: .cancelled, waitlistPosition: nil))
        #expect(try place(5) == EventRegistrationStatus(status: .waitlisted, waitlistPosition: 1))
        #expect(try place(6) == nil)
        let workshop = try #require(try set.events.event(id: Self.workshop))
        #expect(workshop.seatsTaken == 2)
        #expect(workshop.seatsLeft == 0)
        #expect(workshop.waitlistCount == 1)
        #expect(workshop.viewerRegistration == nil)
        #expect(workshop.startDate == "2026-11-30T10:00:00Z")
        #expect(try set.events.event(id: Self.webinar)?.seatsLeft == nil)

        // The next registrant queues behind the one left waiting.
        try await history.gathering(Self.workshop, .register(by: Self.principal(6), now: DomainHistory.at(days: 3)))
        try await history.catchUp(set)
        #expect(try place(6) == EventRegistrationStatus(status: .waitlisted, waitlistPosition: 2))

        #expect(try set.events.registrations(ofUser: Self.user(1)).map(\.status) == [.registered, .cancelled])  // webinar, workshop
        #expect(try set.events.registrations(ofUser: Self.user(4)).map(\.title) == ["Atelier CV"])
    }

    @Test func theCalendarSequenceGrowsWithEachChangeToTheEventOrTheRegistration() async throws {
        let history = try await Self.history()
        defer { history.close() }
        let set = try history.projections()
        try await history.catchUp(set)
        let from = DomainHistory.monday, to = DomainHistory.at(days: 30)

        let first = try set.events.calendar(for: Self.user(2), from: from, to: to)
        #expect(first.count == 1)
        let entry = try #require(first.first)
        #expect(entry.uid == "\(Self.workshop.uuidString.lowercased())@protalent")
        #expect(entry.sequence == 0)
        #expect(entry.status == .confirmed)
        #expect(entry.start == "2026-11-30T10:00:00Z")
        #expect(entry.end == "2026-11-30T12:00:00Z")
        #expect(entry.location == "Dakar, Jokkolabs")
        #expect(try set.events.calendar(for: Self.user(3), from: from, to: to).isEmpty)  // waitlisted: not yet
        #expect(try set.events.calendar(for: Self.user(1), from: from, to: to).map(\.url) == ["https://meet.example.org/webinar", nil])
        #expect(try set.events.calendar(for: Self.user(1), from: DomainHistory.at(days: 5), to: to).count == 1)

        try await history.gathering(Self.workshop, .cancelRegistration(by: Self.principal(2), now: DomainHistory.at(days: 1)))
        try await history.catchUp(set)
        let withdrawn = try #require(try set.events.calendar(for: Self.user(2), from: from, to: to).first)
        #expect(withdrawn.sequence == 1)
        #expect(withdrawn.status == .cancelled)
        let promoted = try #require(try set.events.calendar(for: Self.user(3), from: from, to: to).first)
        #expect(promoted.sequence == 1)
        #expect(promoted.status == .confirmed)

        try await history.gathering(Self.workshop, .cancel(reason: "Room unavailable", by: Self.mentor, now: DomainHistory.at(days: 2)))
        try await history.catchUp(set)
        let calledOff = try #require(try set.events.calendar(for: Self.user(3), from: from, to: to).first)
        #expect(calledOff.sequence == 2)
        #expect(calledOff.status == .cancelled)
        #expect(calledOff.updatedAt == "2026-11-25T09:00:00Z")
        #expect(try set.events.event(id: Self.workshop)?.cancelled == true)
    }

    @Test func filtersByTypeDatesOnlineAndText() async throws {
        let history = try await Self.history()
        defer { history.close() }
        let events = try await history.project().events
        func titles(_ filter: EventFilter) throws -> [String] { try events.list(filter).items.map(\.title) }

        #expect(try titles(EventFilter()) == ["Data careers", "Atelier CV", "Tech Summit"])
        #expect(try titles(EventFilter(type: .webinar)) == ["Data careers"])
        #expect(try titles(EventFilter(online: true)) == ["Data careers"])
        #expect(try titles(EventFilter(online: false)) == ["Atelier CV", "Tech Summit"])
        #expect(try titles(EventFilter(from: DomainHistory.at(days: 5))) == ["Atelier CV", "Tech Summit"])
        #expect(try titles(EventFilter(from: DomainHistory.at(days: 5), to: DomainHistory.at(days: 10))) == ["Atelier CV"])
        #expect(try titles(EventFilter(query: "cv")) == ["Atelier CV"])
        #expect(try titles(EventFilter(query: "about tech")) == ["Tech Summit"])  // the description
        #expect(try titles(EventFilter(type: .seminar)) == [])
    }

    @Test func pagingOverThreePagesNeitherRepeatsNorSkips() async throws {
        let history = try DomainHistory("event-pages")
        defer { history.close() }
        // Two pairs start at the same instant: the id breaks the tie.
        for (index, day) in [4.0, 2, 2, 9, 1, 4, 6].enumerated() {
            let id = DomainHistory.id(600 + index)
            try await history.gathering(id, .create(eventID: id, Self.details("Event \(index)", .seminar, day: day), by: Self.mentor, now: DomainHistory.monday))
        }
        let events = try await history.project().events
        var seen: [EventView] = []
        var cursor: PageCursor?
        var pages = 0
        repeat {
            let page = try events.list(EventFilter(type: .seminar), page: PageRequest(limit: 3, cursor: cursor))
            #expect(page.items.count == (pages < 2 ? 3 : 1))
            seen += page.items
            cursor = page.nextCursor.flatMap(PageCursor.init(encoded:))
            pages += 1
        } while cursor != nil && pages < 10
        #expect(pages == 3)
        #expect(seen.map(\.title) == ["Event 4", "Event 1", "Event 2", "Event 0", "Event 5", "Event 6", "Event 3"])
    }
}
