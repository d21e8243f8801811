import API
import Domain
import EventLog
import EventSourcing
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct EventsTests {
    static func iso(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }

    static func body(
        title: String, type: String = "webinar", in days: Double, hours: Double = 2, online: Bool = true, capacity: Int? = nil
    ) -> String {
        let start = Date().addingTimeInterval(days * 86_400)
        let place = online ? #""meetingUrl": "https://meet.example.org/abc""# : #""location": "Dakar, Plateau""#
        let max = capacity.map { #", "maxParticipants": \#($0)"# } ?? ""
        return """
            {"title": "\(title)", "description": "About \(title)", "eventType": "\(type)", "startDate": "\(iso(start))",
             "endDate": "\(iso(start.addingTimeInterval(hours * 3_600)))", "isOnline": \(online), \(place)\(max)}
            """
    }

    static func create(_ client: some TestClientProtocol, token: String, _ body: String) async throws -> (id: String, position: Int64) {
        let response = try await client.send(.post, "/events", json: body, token: token)
        #expect(response.status == .created, "\(response.text)")
        return (try #require(response.jsonObject()["eventId"] as? String), try #require(response.logPosition))
    }

    /// An event that started an hour ago (created through the decider with an earlier clock).
    static func pastEvent(_ platform: Platform, registering users: [String] = []) async throws -> String {
        let id = UUID()
        let start = Date().addingTimeInterval(-3_600)
        let stream = StreamName.gathering(id)
        _ = try await platform.commands.execute(.create(eventID: id, Gathering.Details(
            title: "Yesterday's seminar", eventType: .seminar, startDate: start, endDate: start.addingTimeInterval(7_200), isOnline: true,
            meetingUrl: "https://meet.example.org/past"
        ), by: .system, now: start.addingTimeInterval(-86_400)), on: Gathering.self, stream: stream, by: .system)
        for user in users {
            let principal = Principal.user(UUID(uuidString: user)!, .student)
            _ = try await platform.commands.execute(.register(by: principal, now: start.addingTimeInterval(-600)), on: Gathering.self, stream: stream, by: principal)
        }
        return id.uuidString.lowercased()
    }

    @Test func creatingIsForMentorsModeratorsAndAdminsAndEveryFieldIsChecked() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let student = try await client.signUp(fixture, email: "student@example.sn")
            let mentor = try await client.signUp(fixture, email: "mentor@example.sn", role: "mentor")
            try await client.send(.post, "/events", json: Self.body(title: "Nope", in: 2), token: student.access).expectProblem(.forbidden)
            let created = try await Self.create(client, token: mentor.access, Self.body(title: "Scholarship webinar", in: 2))
            let shown = try await client.get("/events/\(created.id)", token: student.access, after: created.position).jsonObject()
            #expect(shown["title"] as? String == "Scholarship webinar")
            #expect(shown["creatorId"] as? String == mentor.userID)
            #expect(shown["meetingUrl"] as? String == "https://meet.example.org/abc")

            let soon = Self.iso(Date().addingTimeInterval(86_400)), later = Self.iso(Date().addingTimeInterval(90_000))
            let invalid: [(String, String)] = [
                (Self.body(title: "X", type: "party", in: 2), "eventType"),
                (Self.body(title: "X", in: -2), "startDate"),
                (Self.body(title: "X", in: 2, hours: -1), "endDate"),
                (Self.body(title: "X", in: 2, capacity: 0), "maxParticipants"),
                (Self.body(title: " ", in: 2), "title"),
                (#"{"title": "X", "eventType": "webinar", "startDate": "\#(soon)", "endDate": "\#(later)", "isOnline": true}"#, "meetingUrl"),
                (#"{"title": "X", "eventType": "webinar", "startDate": "\#(soon)", "endDate": "\#(later)", "isOnline": false}"#, "location"),
                (#"{"title": "X", "eventType": "webinar", "startDate": "tomorrow", "endDate": "\#(later)", "isOnline": false}"#, "startDate"),
                (#"{"eventType": "webinar", "startDate": "\#(soon)", "endDate": "\#(later)", "isOnline": false}"#, "title"),
            ]
            for (body, field) in invalid {
                let problem = try await client.send(.post, "/events", json: body, token: mentor.access).expectProblem(.unprocessableContent)
                #expect((problem["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } == [field], "\(body)")
            }
            try await client.send(.post, "/events", json: "[1, 2]", token: mentor.access).expectProblem(.badRequest)
        }
    }

    @Test func browsingDefaultsToUpcomingEventsAndFilters() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let mentor = try await client.signUp(fixture, email: "mentor@example.sn", role: "mentor")
            let webinar = try await Self.create(client, token: mentor.access, Self.body(title: "Machine learning intro", in: 2))
            let workshop = try await Self.create(client, token: mentor.access, Self.body(title: "CV workshop", type: "workshop", in: 5, online: false, capacity: 10))
            let conference = try await Self.create(client, token: mentor.access, Self.body(title: "Energy conference", type: "conference", in: 10))
            let past = try await Self.pastEvent(fixture.platform)
            let head = fixture.platform.log.head

            let upcoming = try await client.get("/events", token: mentor.access, after: head)
            #expect(try upcoming.items().map { $0["id"] as? String } == [webinar.id, workshop.id, conference.id])
            #expect(try upcoming.jsonObject().keys.contains("nextCursor"))
            let everything = try await client.get("/events?from=\(Self.iso(Date().addingTimeInterval(-86_400)))", token: mentor.access, after: nil)
            #expect(try everything.items().first?["id"] as? String == past)
            #expect(try await client.get("/events?type=workshop", token: mentor.access, after: nil).items().map { $0["id"] as? String } == [workshop.id])
            #expect(try await client.get("/events?online=false", token: mentor.access, after: nil).items().map { $0["id"] as? String } == [workshop.id])
            #expect(try await client.get("/events?online=true&q=ENERGY", token: mentor.access, after: nil).items().map { $0["id"] as? String } == [conference.id])
            let window = "/events?from=\(Self.iso(Date().addingTimeInterval(3 * 86_400)))&to=\(Self.iso(Date().addingTimeInterval(6 * 86_400)))"
            #expect(try await client.get(window, token: mentor.access, after: nil).items().map { $0["id"] as? String } == [workshop.id])
            let page = try await client.get("/events?limit=2", token: mentor.access, after: nil)
            let cursor = try #require(page.jsonObject()["nextCursor"] as? String)
            #expect(try await client.get("/events?limit=2&cursor=\(cursor)", token: mentor.access, after: nil).items().map { $0["id"] as? String } == [conference.id])
            try await client.get("/events?type=party", token: mentor.access, after: nil).expectProblem(.badRequest)
            try await client.get("/events?online=maybe", token: mentor.access, after: nil).expectProblem(.badRequest)
            try await client.get("/events?from=yesterday", token: mentor.access, after: nil).expectProblem(.badRequest)
            try await client.get("/events?limit=500", token: mentor.access, after: nil).expectProblem(.badRequest)

            let detail = try await client.get("/events/\(workshop.id)", token: mentor.access, after: nil).jsonObject()
            #expect(detail["seatsLeft"] as? Int == 10)
            #expect(detail["location"] as? String == "Dakar, Plateau")
            #expect(detail["isOnline"] as? Bool == false)
            try await client.get("/events/\(UUID())", token: mentor.access, after: nil).expectProblem(.notFound)
            try await client.get("/events/nope", token: mentor.access, after: nil).expectProblem(.notFound)
        }
    }

    @Test func registrationWaitlistsPastCapacityAndACancellationPromotesTheFirstInLine() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let mentor = try await client.signUp(fixture, email: "mentor@example.sn", role: "mentor")
            let ana = try await client.signUp(fixture, email: "ana@example.sn")
            let ben = try await client.signUp(fixture, email: "ben@example.sn")
            let cy = try await client.signUp(fixture, email: "cy@example.sn")
            let dee = try await client.signUp(fixture, email: "dee@example.sn")
            let event = try await Self.create(client, token: mentor.access, Self.body(title: "Small workshop", type: "workshop", in: 3, capacity: 1))

            let seat = try await client.send(.post, "/events/\(event.id)/register", token: ana.access)
            #expect(seat.status == .ok)
            #expect(seat.logPosition != nil)
            #expect(try seat.jsonObject()["status"] as? String == "registered")
            #expect(try seat.jsonObject()["waitlistPosition"] == nil)
            let benWaits = try await client.send(.post, "/events/\(event.id)/register", token: ben.access).jsonObject()
            #expect(benWaits["status"] as? String == "waitlisted")
            #expect(benWaits["waitlistPosition"] as? Int == 1)
            let cyWaits = try await client.send(.post, "/events/\(event.id)/register", token: cy.access)
            #expect(try cyWaits.jsonObject()["waitlistPosition"] as? Int == 2)
            try await client.send(.post, "/events/\(event.id)/register", token: ana.access).expectProblem(.conflict)
            try await client.send(.post, "/events/\(event.id)/register", token: ben.access).expectProblem(.conflict)
            try await client.send(.post, "/events/\(UUID())/register", token: ben.access).expectProblem(.notFound)
            try await client.send(.delete, "/events/\(event.id)/register", token: dee.access).expectProblem(.notFound)

            let full = try await client.get("/events/\(event.id)", token: cy.access, after: cyWaits.logPosition).jsonObject()
            #expect(full["seatsLeft"] as? Int == 0)
            #expect(full["waitlistCount"] as? Int == 2)
            #expect((full["viewerRegistration"] as? [String: Any])?["waitlistPosition"] as? Int == 2)

            // Ana withdraws: in the same append Ben gets her seat and Cy moves up.
            let cancelled = try await client.send(.delete, "/events/\(event.id)/register", token: ana.access)
            #expect(cancelled.status == .noContent)
            let position = try #require(cancelled.logPosition)
            let forBen = try await client.get("/events/\(event.id)", token: ben.access, after: position).jsonObject()
            #expect((forBen["viewerRegistration"] as? [String: Any])?["status"] as? String == "registered")
            let forCy = try await client.get("/events/\(event.id)", token: cy.access, after: position).jsonObject()
            #expect((forCy["viewerRegistration"] as? [String: Any])?["waitlistPosition"] as? Int == 1)
            let forAna = try await client.get("/events/\(event.id)", token: ana.access, after: position).jsonObject()
            #expect((forAna["viewerRegistration"] as? [String: Any])?["status"] as? String == "cancelled")
            let promoted = try fixture.platform.log.read(from: position - 1, maxCount: 2).map(\.type)
            #expect(promoted == ["gatherings.registration-cancelled", "gatherings.waitlist-promoted"])

            // After the start: no registering, no withdrawing.
            let past = try await Self.pastEvent(fixture.platform, registering: [dee.userID])
            try await client.send(.post, "/events/\(past)/register", token: ana.access).expectProblem(.conflict)
            try await client.send(.delete, "/events/\(past)/register", token: dee.access).expectProblem(.conflict)
        }
    }

    /// A mentor's two upcoming events (an online one whose title needs escaping, an in-person
    /// one), a user registered for both, and the position of the last registration.
    static func twoRegistrations(
        _ client: some TestClientProtocol, _ fixture: APIFixture
    ) async throws -> (mentor: (userID: String, access: String, refresh: String), user: (userID: String, access: String, refresh: String),
                       first: (id: String, position: Int64), second: (id: String, position: Int64), registered: Int64?) {
            let mentor = try await client.signUp(fixture, email: "mentor@example.sn", role: "mentor")
            let user = try await client.signUp(fixture, email: "user@example.sn")
            let first = try await Self.create(client, token: mentor.access, Self.body(title: "Webinar; with, commas", in: 2))
            let second = try await Self.create(client, token: mentor.access, Self.body(title: "Networking night", type: "networking", in: 4, online: false))
            _ = try await client.send(.post, "/events/\(first.id)/register", token: user.access)
            let registered = try await client.send(.post, "/events/\(second.id)/register", token: user.access)
        return (mentor, user, first, second, registered.logPosition)
    }

    /// A rush on one event: every request answered without a conflict of ours, the seats and the
    /// waitlist exact (places 1…N, no gap, no duplicate), whatever order the requests ran in.
    @Test func aRegistrationRushSeatsAndWaitlistsExactlyWithoutAConflict() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let mentor = try await client.signUp(fixture, email: "rush-mentor@example.sn", role: "mentor")
            var students: [String] = []
            for index in 0..<80 { students.append(try await client.signUp(fixture, email: "rush-\(index)@example.sn").access) }
            let event = try await Self.create(client, token: mentor.access, Self.body(title: "Bourses 2027", in: 5, capacity: 30))
            let answers = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for token in students {
                    group.addTask { try await client.send(.post, "/events/\(event.id)/register", token: token) }
                }
                return try await group.reduce(into: [TestResponse]()) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.status == .ok }, "\(answers.filter { $0.status != .ok }.map(\.text))")
            let bodies = try answers.map { try $0.jsonObject() }
            #expect(bodies.filter { $0["status"] as? String == "registered" }.count == 30)
            let places = bodies.compactMap { $0["waitlistPosition"] as? Int }.sorted()
            #expect(places == Array(1...50))
        }
    }

    @Test func theCalendarIsJSONByDefaultAndICalendarOnRequest() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let (mentor, user, first, second, registered) = try await Self.twoRegistrations(client, fixture)
            let json = try await client.get("/events/calendar", token: user.access, after: registered)
            #expect(json.headers[.contentType]?.hasPrefix("application/json") == true)
            let entries = try json.items()
            #expect(entries.map { $0["eventId"] as? String } == [first.id, second.id])
            #expect(entries.map { $0["uid"] as? String } == ["\(first.id)@protalent", "\(second.id)@protalent"])
            #expect(entries.allSatisfy { $0["status"] as? String == "confirmed" })
            #expect(try await client.get("/events/calendar", token: mentor.access, after: nil).items().isEmpty)
            try await client.get("/events/calendar?from=soon", token: user.access, after: nil).expectProblem(.badRequest)
            let past = Self.iso(Date().addingTimeInterval(86_400)), earlier = Self.iso(Date())
            try await client.get("/events/calendar?from=\(past)&to=\(earlier)", token: user.access, after: nil).expectProblem(.badRequest)

        }
    }

    @Test(.enabled(if: ICalendarParser.isAvailable, "needs Python's icalendar, installed from PyPI into a venv; pip could not install it"))
    func theICalendarParsesWithARealParserKeepsUIDsAndBumpsTheSequenceOnCancellation() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let (_, user, first, second, registered) = try await Self.twoRegistrations(client, fixture)
            _ = try await client.get("/events/calendar", token: user.access, after: registered)

            let ics = try await client.get("/events/calendar", token: user.access, after: nil, accept: "text/calendar")
            #expect(ics.headers[.contentType] == ICalendar.mediaType)
            #expect(ics.text.hasPrefix("BEGIN:VCALENDAR\r\n"))
            #expect(ics.text.contains("SUMMARY:Webinar\\; with\\, commas\r\n"))
            let before = try ICalendarParser.events(in: ics.text)
            #expect(before.map(\.uid) == ["\(first.id)@protalent", "\(second.id)@protalent"])
            #expect(before.map(\.status) == ["CONFIRMED", "CONFIRMED"])
            #expect(before[0].summary == "Webinar; with, commas")
            #expect(before[1].location == "Dakar, Plateau")

            let withdrawn = try await client.send(.delete, "/events/\(first.id)/register", token: user.access)
            let after = try ICalendarParser.events(in: try await client.get(
                "/events/calendar", token: user.access, after: withdrawn.logPosition, accept: "text/calendar"
            ).text)
            #expect(after.map(\.uid) == before.map(\.uid))
            #expect(after[0].status == "CANCELLED")
            #expect(after[0].sequence > before[0].sequence)
            #expect(after[1] == before[1])
        }
    }

    /// Every community and event route, for every role: refused (403 problem) exactly where the
    /// access policy says, and never refused by the policy elsewhere.
    @Test func everyRoleIsRefusedExactlyWhereTheAccessPolicySays() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            var tokens: [Role: String] = [:]
            for role in Role.allCases {
                tokens[role] = try await client.signUp(fixture, email: "\(role.rawValue)@example.sn", grantedRole: role.rawValue).access
            }
            let rules = AccessPolicy.rules.filter { $0.key.contains(" /communities") || $0.key.contains(" /events") }
            #expect(rules.count == 19)
            for (key, access) in rules.sorted(by: { $0.key < $1.key }) {
                let parts = key.split(separator: " ", maxSplits: 1).map(String.init)
                let path = ["{id}", "{userId}", "{postId}"].reduce(parts[1]) { $0.replacingOccurrences(of: $1, with: UUID().uuidString) }
                for role in Role.allCases {
                    let response = try await client.send(HTTPRequest.Method(parts[0])!, path, json: parts[0] == "GET" || parts[0] == "DELETE" ? nil : "{}", token: tokens[role])
                    if case .roles(let allowed) = access, !allowed.contains(role) {
                        try response.expectProblem(.forbidden)
                    } else {
                        #expect(![401, 403].contains(response.status.code), "\(key) as \(role): \(response.status.code) \(response.text)")
                    }
                }
            }
        }
    }
}

/// Parses iCalendar text with a real parser: Python's `icalendar` package from PyPI, installed
/// into a virtual environment the first time (tests needing it are skipped when pip cannot).
enum ICalendarParser {
    /// One parsed `VEVENT`.
    struct Event: Decodable, Equatable {
        var uid: String
        var sequence: Int
        var status: String
        var summary: String
        var location: String?
        var start: String
        var end: String
    }

    static let environment = FileManager.default.temporaryDirectory.appendingPathComponent("protalent-icalendar-venv")
    static var python: String { environment.appendingPathComponent("bin/python").path }

    static let script = """
        import json, sys, icalendar
        calendar = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
        events = []
        for e in calendar.walk('VEVENT'):
            events.append({'uid': str(e['UID']), 'sequence': int(e['SEQUENCE']), 'status': str(e['STATUS']),
                           'summary': str(e['SUMMARY']), 'location': str(e['LOCATION']) if 'LOCATION' in e else None,
                           'start': e.decoded('DTSTART').isoformat(), 'end': e.decoded('DTEND').isoformat()})
        assert calendar['VERSION'] == '2.0' and calendar['PRODID']
        print(json.dumps(events))
        """

    /// Whether the parser is installed (installing it when needed).
    static let isAvailable: Bool = {
        if run(python, ["-c", "import icalendar"]) != nil { return true }
        guard run("/usr/bin/env", ["python3", "-m", "venv", environment.path]) != nil,
              run(environment.appendingPathComponent("bin/pip").path, ["install", "--quiet", "icalendar"]) != nil
        else {
            print("skipping the iCalendar parse check: `python3 -m venv` + `pip install icalendar` failed (no network or no pip)")
            return false
        }
        return run(python, ["-c", "import icalendar"]) != nil
    }()

    /// The events of `text`, as the parser read them.
    static func events(in text: String) throws -> [Event] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("calendar-\(UUID()).ics")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try #require(run(python, ["-c", script, file.path]), "icalendar refused the calendar:\n\(text)")
        return try JSONDecoder().decode([Event].self, from: Data(output.utf8))
    }

    /// Runs a program; its standard output when it exits 0.
    static func run(_ program: String, _ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }
}
