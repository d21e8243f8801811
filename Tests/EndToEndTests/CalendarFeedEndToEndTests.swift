import Foundation
import Testing
import TestSupport

/// Calendar subscriptions through the real binary: a secret feed URL serves the person's events as
/// RFC 5545 text without a bearer token, with stable UIDs and a higher SEQUENCE after a change, and
/// rotating the URL revokes the old one.
@Suite(.serialized)
struct CalendarFeedEndToEndTests {
    @Test(.timeLimit(.minutes(5)))
    func aSecretFeedServesThePersonsEventsUntilItIsRotated() async throws {
        try await withServer { server in
            let mentor = try await server.signUp(uniqueEmail("organiser"), role: "mentor")
            let student = try await server.signUp(uniqueEmail("attendee"))
            let start = Date().addingTimeInterval(7 * 86_400)
            let created = try await server.client.send("POST", "/events", json: [
                "title": "Atelier CV, lettres; et entretiens — une séance longue pour tester le pliage des lignes",
                "eventType": "workshop", "startDate": Self.iso(start), "endDate": Self.iso(start.addingTimeInterval(7_200)), "isOnline": true,
                "meetingUrl": "https://meet.example.org/cv",
            ], token: mentor.accessToken)
            try #require(created.status == 201, "\(created)")
            let eventID = try #require(created.object["eventId"] as? String)
            let registered = try await server.client.send("POST", "/events/\(eventID)/register", token: student.accessToken)
            try #require(registered.status == 200 || registered.status == 201, "\(registered)")

            let issued = try await server.client.send("POST", "/users/calendar-feed", token: student.accessToken)
            #expect(issued.status == 200, "\(issued)")
            let url = try #require(issued.object["url"] as? String)
            let path = try #require(URLComponents(string: url)?.path)
            #expect(path.hasPrefix("/calendar/") && path.hasSuffix(".ics"))

            // No bearer token: the URL is the credential.
            let feed = try await server.read(path, after: registered.logPosition)
            #expect(feed.status == 200, "\(feed)")
            #expect(feed.headers["content-type"]?.hasPrefix("text/calendar") == true)
            let text = feed.text
            #expect(text.hasPrefix("BEGIN:VCALENDAR\r\n") && text.hasSuffix("END:VCALENDAR\r\n"))
            #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "every line ends with CRLF")
            #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 75 }, "lines are folded at 75 octets")
            let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
            #expect(unfolded.contains("SUMMARY:Atelier CV\\, lettres\\; et entretiens"))
            let uid = try #require(Self.value("UID", in: unfolded))
            let firstSequence = try #require(Self.value("SEQUENCE", in: unfolded).flatMap(Int.init))
            #expect(Self.value("LAST-MODIFIED", in: unfolded) != nil && Self.value("STATUS", in: unfolded) == "CONFIRMED")

            // A change shows with the same UID and a higher SEQUENCE.
            let cancelled = try await server.client.send("DELETE", "/events/\(eventID)/register", token: student.accessToken)
            #expect(cancelled.status == 204, "\(cancelled)")
            let changed = try await server.read(path, after: cancelled.logPosition).text.replacingOccurrences(of: "\r\n ", with: "")
            #expect(Self.value("UID", in: changed) == uid)
            #expect((Self.value("SEQUENCE", in: changed).flatMap(Int.init) ?? 0) > firstSequence, "\(changed)")
            #expect(Self.value("STATUS", in: changed) == "CANCELLED")

            // Rotation: the old URL stops working, the new one works; a guessed secret finds nothing.
            let rotated = try await server.client.send("POST", "/users/calendar-feed", token: student.accessToken)
            let newPath = try #require((rotated.object["url"] as? String).flatMap { URLComponents(string: $0)?.path })
            #expect(newPath != path)
            #expect(try await server.read(path, after: rotated.logPosition).status == 404)
            #expect(try await server.read(newPath, after: rotated.logPosition).status == 200)
            let guessed = path.replacingOccurrences(of: ".ics", with: "x.ics")
            #expect(try await server.client.send("GET", guessed).status == 404)
            #expect(try await server.client.send("GET", "/calendar/nothing.ics").status == 404)
        }
    }

    static func iso(_ date: Date) -> String { date.formatted(.iso8601) }

    /// The value of the first `NAME:` line.
    static func value(_ name: String, in text: String) -> String? {
        text.components(separatedBy: "\r\n").first { $0.hasPrefix(name + ":") }.map { String($0.dropFirst(name.count + 1)) }
    }
}
