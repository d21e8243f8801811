import API
import Domain
import EventLog
import EventSourcing
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Security review (issue 19), finding 3: text a mentor or mentee writes must not add properties
/// or whole events to other people's calendars, whatever line breaks it carries.
@Suite struct CalendarInjectionTests {
    /// Lines that would add an event, an alarm and properties if they reached the feed raw.
    static let injectedTitle = "Talk\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil@attacker\r\nSUMMARY:Injected"
    static let injectedDescription = "Intro\u{2028}ATTACH:https://evil.example/x\u{85}URL:https://evil.example\rDTSTART:19700101T000000Z"
        + "\u{7}\u{1B}[31m; a, b \\ c\u{2029}e" + String(repeating: "\u{301}", count: 60)
    static let injectedLocation = "Dakar, Plateau\r\n\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nEND:VALARM"

    @Test func eventTextCarryingICalendarLinesStaysInsideItsOneEvent() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let mentor = try await client.signUp(fixture, email: "mentor@example.sn", role: "mentor")
            let student = try await client.signUp(fixture, email: "student@example.sn")
            let start = Date().addingTimeInterval(2 * 86_400)
            let created = try await EventsTests.create(client, token: mentor.access, try Self.json([
                "title": Self.injectedTitle, "description": Self.injectedDescription, "location": Self.injectedLocation,
                "eventType": "workshop", "isOnline": false,
                "startDate": EventsTests.iso(start), "endDate": EventsTests.iso(start.addingTimeInterval(3_600)),
            ]))
            let registered = try await client.send(.post, "/events/\(created.id)/register", token: student.access)
            let feed = try await client.get("/events/calendar", token: student.access, after: registered.logPosition, accept: "text/calendar")
            #expect(feed.status == .ok)

            let ics = Array(feed.body.readableBytesView)
            Self.expectWellFormedLines(ics)
            let lines = Self.contentLines(ics)
            #expect(lines.filter { $0 == "BEGIN:VEVENT" }.count == 1, "\(feed.text)")
            #expect(!lines.contains { $0.hasPrefix("UID:evil") || $0.hasPrefix("BEGIN:VALARM") || $0.hasPrefix("ATTACH") || $0.hasPrefix("DTSTART:1970") })
            #expect(Self.text(of: "SUMMARY", in: lines) == "Talk\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil@attacker\nSUMMARY:Injected")
            #expect(Self.text(of: "DESCRIPTION", in: lines) == "Intro\nATTACH:https://evil.example/x\nURL:https://evil.example\n"
                + "DTSTART:19700101T000000Z[31m; a, b \\ c\ne" + String(repeating: "\u{301}", count: 60))
            #expect(Self.text(of: "LOCATION", in: lines) == "Dakar, Plateau\n\nBEGIN:VALARM\nACTION:DISPLAY\nEND:VALARM")

            if ICalendarParser.isAvailable {
                let parsed = try ICalendarParser.events(in: feed.text)
                #expect(parsed.map(\.uid) == ["\(created.id)@protalent"])
                #expect(parsed.first?.summary == Self.text(of: "SUMMARY", in: lines))
                #expect(parsed.first?.location == Self.text(of: "LOCATION", in: lines))
            }
        }
    }

    @Test func meetingUrlsThatAreNotPlainWebLinksAreRefusedNamingTheField() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let mentor = try await client.signUp(fixture, email: "mentor@example.sn", role: "mentor")
            let start = Date().addingTimeInterval(2 * 86_400)
            func body(_ url: String) throws -> String {
                try Self.json([
                    "title": "Webinar", "eventType": "webinar", "isOnline": true, "meetingUrl": url,
                    "startDate": EventsTests.iso(start), "endDate": EventsTests.iso(start.addingTimeInterval(3_600)),
                ])
            }
            for url in [
                "https://meet.example.org/abc\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Injected", "https://meet.example.org/a\nb",
                "javascript:alert(document.cookie)", "javascript://meet.example.org/%0Aalert(1)", "https://meet.example.org/a b",
                "https://meet.example.org/\u{2028}x", "https://meet.example.org@evil.example/", "data:text/html,<script>x</script>",
            ] {
                let problem = try await client.send(.post, "/events", json: try body(url), token: mentor.access).expectProblem(.unprocessableContent)
                #expect((problem["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } == ["meetingUrl"], "\(url)")
            }
            _ = try await EventsTests.create(client, token: mentor.access, try body("https://meet.example.org/r?id=42&lang=fr#join"))
        }
    }

    /// Values the log recorded before the URL rule are checked again where they are written.
    @Test func aMeetingUrlRecordedBeforeTheRuleIsLeftOutOfTheCalendar() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let student = try await client.signUp(fixture, email: "student@example.sn")
            let id = UUID()
            let start = Date().addingTimeInterval(86_400)
            let payload = try Self.json([
                "eventId": id.uuidString, "title": "Legacy webinar", "eventType": "webinar", "isOnline": true,
                "meetingUrl": "https://meet.example.org/x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil@attacker\r\nSUMMARY:Injected",
                "startDate": EventsTests.iso(start), "endDate": EventsTests.iso(start.addingTimeInterval(3_600)), "at": EventsTests.iso(Date()),
            ])
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let legacy = try decoder.decode(Gathering.Created.self, from: Data(payload.utf8))
            _ = try await fixture.platform.commands.execute(by: .system) { (_: StreamStates) throws(Gathering.Rejection) in
                [StreamEvents(StreamName.gathering(id), [Gathering.Event.created(legacy)], expectedVersion: .noStream)]
            }
            let registered = try await client.send(.post, "/events/\(id.uuidString.lowercased())/register", token: student.access)
            #expect(registered.status == .ok, "\(registered.text)")
            let feed = try await client.get("/events/calendar", token: student.access, after: registered.logPosition, accept: "text/calendar")
            let lines = Self.contentLines(Array(feed.body.readableBytesView))
            #expect(lines.filter { $0 == "BEGIN:VEVENT" }.count == 1, "\(feed.text)")
            #expect(!lines.contains { $0.hasPrefix("URL:") || $0.hasPrefix("UID:evil") }, "\(feed.text)")
        }
    }

    @Test func aMentoringSessionTitleCarryingICalendarLinesStaysInsideItsOneEvent() async throws {
        let fixture = try APIFixture(clock: ManualClock(MentorRouteTests.tuesday).clock)
        try await fixture.test { client in
            let admin = try await client.signUpAdmin(fixture, email: "admin@protalent.sn")
            let mentor = try await MentorRouteTests.verifiedMentor(client, fixture, email: "aminata@example.sn", admin: admin.access)
            let mentee = try await client.signUp(fixture, email: "koffi@example.tg")
            let title = #"Revue\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Injected\u2028URL:https://evil.example"#
            let requested = try await client.send(.post, "/mentors/request", json: MentorRouteTests.request(mentor.id, at: "2026-12-01T10:00:00Z", title: title), token: mentee.access)
            #expect(requested.status == .created, "\(requested.text)")
            let feed = try await client.get("/mentors/calendar?from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z", token: mentee.access,
                                            after: requested.logPosition, accept: "text/calendar")
            let ics = Array(feed.body.readableBytesView)
            Self.expectWellFormedLines(ics)
            let lines = Self.contentLines(ics)
            #expect(lines.filter { $0 == "BEGIN:VEVENT" }.count == 1, "\(feed.text)")
            #expect(!lines.contains { $0.hasPrefix("URL:") || $0.hasPrefix("SUMMARY:Injected") }, "\(feed.text)")
            let summary = try #require(Self.text(of: "SUMMARY", in: lines))
            #expect(summary.hasPrefix("Mentoring: Revue\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:Injected\nURL:https://evil.example with "), "\(summary)")
        }
    }

    // MARK: Reading the feed as a client would

    /// A JSON object as text.
    static func json(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    /// Every line ends with CRLF, no CR or LF stands alone, no line is longer than 75 octets, and
    /// no other line separator (NEL, U+2028, U+2029) appears anywhere.
    static func expectWellFormedLines(_ ics: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        var lineStart = 0
        for index in ics.indices {
            if ics[index] == 0x0D {
                #expect(index + 1 < ics.count && ics[index + 1] == 0x0A, "a CR without LF at \(index)", sourceLocation: sourceLocation)
            } else if ics[index] == 0x0A {
                #expect(index > 0 && ics[index - 1] == 0x0D, "a LF without CR at \(index)", sourceLocation: sourceLocation)
                #expect(index - 1 - lineStart <= 75, "a line of \(index - 1 - lineStart) octets", sourceLocation: sourceLocation)
                lineStart = index + 1
            }
        }
        let text = String(decoding: ics, as: UTF8.self)
        #expect(!text.unicodeScalars.contains { ["\u{85}", "\u{2028}", "\u{2029}"].contains($0) }, sourceLocation: sourceLocation)
    }

    /// The content lines, unfolded on octets (a fold may fall inside a character, §3.1).
    static func contentLines(_ ics: [UInt8]) -> [String] {
        var unfolded: [UInt8] = []
        var index = 0
        while index < ics.count {
            if index + 2 < ics.count, ics[index] == 0x0D, ics[index + 1] == 0x0A, ics[index + 2] == 0x20 {
                index += 3
            } else {
                unfolded.append(ics[index])
                index += 1
            }
        }
        return String(decoding: unfolded, as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
    }

    /// The unescaped TEXT value of the first `name` property (§3.3.11).
    static func text(of name: String, in lines: [String]) -> String? {
        guard let line = lines.first(where: { $0.hasPrefix("\(name):") }) else { return nil }
        var out = ""
        var escaped = false
        for character in line.dropFirst(name.count + 1) {
            if escaped {
                out.append(character == "n" || character == "N" ? "\n" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out.append(character)
            }
        }
        return out
    }
}
