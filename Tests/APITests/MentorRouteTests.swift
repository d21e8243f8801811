import API
import Domain
import EventLog
import EventSourcing
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct MentorRouteTests {
    /// Tuesday 2026-12-01, 08:00 in Dakar (UTC+0).
    static let tuesday = Timestamp.parse("2026-12-01T08:00:00Z")!

    static func application(years: Int = 12, timeZone: String = "Africa/Dakar", day: String = "tuesday", start: String = "09:00", end: String = "17:00") -> String {
        """
        {"expertiseAreas": ["Data Science", "Énergie"], "experienceYears": \(years), "hourlyRate": {"amount": "30", "currency": "EUR"},
         "languages": ["fr", "en"], "timeZone": "\(timeZone)", "availability": [{"day": "\(day)", "start": "\(start)", "end": "\(end)"}]}
        """
    }

    static func request(_ mentor: String, at time: String, minutes: Int = 60, title: String = "Projet solaire") -> String {
        #"{"mentorId": "\#(mentor)", "title": "\#(title)", "description": "Revoir mon plan", "scheduledAt": "\#(time)", "durationMinutes": \#(minutes)}"#
    }

    /// A verified mentor (applied and verified by `admin`); returns the mentor's id, email and token.
    static func verifiedMentor(
        _ client: any TestClientProtocol, _ fixture: APIFixture, email: String, admin: String, application: String = application()
    ) async throws -> (id: String, token: String) {
        let mentor = try await client.signUp(fixture, email: email, role: "mentor")
        let applied = try await client.send(.post, "/mentors", json: application, token: mentor.access)
        #expect(applied.status == .created, "\(applied.text)")
        let verified = try await client.send(.post, "/mentors/\(mentor.userID)/verify", token: admin)
        #expect(verified.status == .noContent, "\(verified.text)")
        return (mentor.userID, mentor.access)
    }

    @Test func aStudentBecomesAMentorAndAnAdminVerifiesThem() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let admin = try await client.signUpAdmin(fixture, email: "admin@protalent.sn")
            let awa = try await client.signUp(fixture, email: "awa@example.sn")

            let first = try await client.send(.post, "/mentors", json: Self.application(), token: awa.access)
            #expect(first.status == .created, "\(first.text)")
            #expect(first.logPosition != nil)
            let body = try first.jsonObject()
            #expect(body["mentorId"] as? String == awa.userID && body["status"] as? String == "registered" && body["role"] as? String == "mentor")
            let account = try fixture.platform.commands.load(Identity.Account.self, stream: StreamName.account(try #require(UUID(uuidString: awa.userID))))
            #expect(account.role == .mentor)
            let again = try await client.send(.post, "/mentors", json: Self.application(), token: awa.access)
            #expect(try again.status == .ok && (try again.jsonObject()["status"] as? String) == "unchanged", "\(again.text)")
            let updated = try await client.send(.post, "/mentors", json: Self.application(years: 13), token: awa.access)
            #expect(try updated.status == .ok && (try updated.jsonObject()["status"] as? String) == "updated", "\(updated.text)")

            // An admin may mentor too, and stays an admin.
            let adminMentor = try await client.send(.post, "/mentors", json: Self.application(), token: admin.access)
            #expect(try adminMentor.status == .created && (try adminMentor.jsonObject()["role"] as? String) == "admin", "\(adminMentor.text)")

            // Every invalid input names its field.
            for (json, field) in [
                (Self.application(timeZone: "Mars/Olympus"), "timeZone"),
                (Self.application(day: "someday"), "availability[0].day"),
                (Self.application(start: "18:00"), "availability[0].end"),
                (Self.application(start: "9h"), "availability[0].start"),
                (Self.application(years: 99), "experienceYears"),
                (Self.application().replacingOccurrences(of: #"["fr", "en"]"#, with: "[]"), "languages"),
                (Self.application().replacingOccurrences(of: #""30""#, with: #""thirty""#), "hourlyRate.amount"),
                (#"{"expertiseAreas": ["x"], "experienceYears": "ten"}"#, "experienceYears"),
            ] {
                let problem = try await client.send(.post, "/mentors", json: json, token: awa.access).expectProblem(.unprocessableContent)
                let fields = (problem["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
                #expect(fields == [field], "\(json): \(problem)")
            }

            // Only verified mentors are listed; only admins verify.
            let listed = try await client.get("/mentors/available", token: awa.access, after: updated.logPosition)
            #expect(try listed.status == .ok && (try listed.jsonObject()["items"] as? [Any])?.isEmpty == true, "\(listed.text)")
            try await client.send(.post, "/mentors/\(awa.userID)/verify", token: awa.access).expectProblem(.forbidden)
            try await client.send(.post, "/mentors/\(UUID())/verify", token: admin.access).expectProblem(.notFound)
            try await client.send(.post, "/mentors/not-a-uuid/verify", token: admin.access).expectProblem(.notFound)
            let verified = try await client.send(.post, "/mentors/\(awa.userID)/verify", token: admin.access)
            #expect(verified.status == .noContent && verified.logPosition != nil)

            func mentors(_ query: String) async throws -> [String] {
                let page = try await client.get("/mentors/available\(query)", token: awa.access, after: verified.logPosition)
                #expect(page.status == .ok, "\(query): \(page.text)")
                return (try page.jsonObject()["items"] as? [[String: Any]] ?? []).compactMap { $0["mentorId"] as? String }
            }
            #expect(try await mentors("") == [awa.userID])
            #expect(try await mentors("?expertise=data%20science&language=EN") == [awa.userID])
            #expect(try await mentors("?expertise=Law").isEmpty)
            #expect(try await mentors("?from=2026-12-01T10:00:00Z&to=2026-12-01T11:00:00Z") == [awa.userID])
            #expect(try await mentors("?from=2026-12-02T10:00:00Z&to=2026-12-02T11:00:00Z").isEmpty)
            let one = try await client.get("/mentors/available", token: awa.access, after: verified.logPosition)
            let item = try #require((try one.jsonObject()["items"] as? [[String: Any]])?.first)
            #expect(item["verified"] as? Bool == true && item["timeZone"] as? String == "Africa/Dakar" && item["experienceYears"] as? Int == 13)
            #expect((item["hourlyRate"] as? [String: String]) == ["amount": "30.00", "currency": "EUR"])
            try await client.send(.get, "/mentors/available?from=2026-12-02T10:00:00Z&to=2026-12-01T10:00:00Z", token: awa.access)
                .expectProblem(.unprocessableContent)
            try await client.send(.get, "/mentors/available?from=tomorrow", token: awa.access).expectProblem(.badRequest)
            try await client.send(.get, "/mentors/available?cursor=%%%", token: awa.access).expectProblem(.badRequest)
        }
    }

    @Test func aSessionGoesFromRequestToFeedbackAndDoubleBookingIsRefused() async throws {
        let clock = ManualClock(Self.tuesday)
        let fixture = try APIFixture(clock: clock.clock)
        try await fixture.test { client in
            let admin = try await client.signUpAdmin(fixture, email: "admin@protalent.sn")
            let mentor = try await Self.verifiedMentor(client, fixture, email: "aminata@example.sn", admin: admin.access)
            let unverified = try await client.signUp(fixture, email: "new.mentor@example.sn", role: "mentor")
            _ = try await client.send(.post, "/mentors", json: Self.application(), token: unverified.access)
            let koffi = try await client.signUp(fixture, email: "koffi@example.tg")
            let fatou = try await client.signUp(fixture, email: "fatou@example.ml")

            let requested = try await client.send(.post, "/mentors/request", json: Self.request(mentor.id, at: "2026-12-01T10:00:00Z"), token: koffi.access)
            #expect(requested.status == .created, "\(requested.text)")
            #expect(try requested.jsonObject()["status"] as? String == "requested")
            let s1 = try #require(try requested.jsonObject()["sessionId"] as? String)

            // Refused requests.
            for (json, status, field) in [
                (Self.request(mentor.id, at: "2026-12-02T10:00:00Z"), HTTPResponse.Status.unprocessableContent, "scheduledAt"),  // a Wednesday
                (Self.request(mentor.id, at: "2026-12-01T07:00:00Z"), .unprocessableContent, "scheduledAt"),  // the past
                (Self.request(mentor.id, at: "2026-12-01T16:30:00Z"), .unprocessableContent, "scheduledAt"),  // ends after 17:00
                (Self.request(mentor.id, at: "2026-12-01T11:00:00Z", minutes: 5), .unprocessableContent, "durationMinutes"),
                (Self.request(mentor.id, at: "2026-12-01T11:00:00Z", title: ""), .unprocessableContent, "title"),
                (Self.request("abc", at: "2026-12-01T11:00:00Z"), .unprocessableContent, "mentorId"),
                (Self.request(mentor.id, at: "next tuesday"), .unprocessableContent, "scheduledAt"),
                (Self.request(unverified.userID, at: "2026-12-01T11:00:00Z"), .conflict, "mentorId"),
            ] {
                let problem = try await client.send(.post, "/mentors/request", json: json, token: koffi.access).expectProblem(status)
                let fields = (problem["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
                #expect(fields == [field], "\(json): \(problem)")
            }
            try await client.send(.post, "/mentors/request", json: Self.request(UUID().uuidString, at: "2026-12-01T11:00:00Z"), token: koffi.access)
                .expectProblem(.notFound)
            try await client.send(.post, "/mentors/request", json: Self.request(mentor.id, at: "2026-12-01T11:00:00Z"), token: mentor.token)
                .expectProblem(.unprocessableContent)

            // Fatou asks for an overlapping slot; the mentor accepts Koffi's, so Fatou's cannot be accepted.
            let overlapping = try await client.send(.post, "/mentors/request", json: Self.request(mentor.id, at: "2026-12-01T10:30:00Z"), token: fatou.access)
            let s2 = try #require(try overlapping.jsonObject()["sessionId"] as? String)
            try await client.send(.post, "/mentors/sessions/\(s1)/accept", token: koffi.access).expectProblem(.forbidden)
            try await client.send(.post, "/mentors/sessions/\(UUID())/accept", token: mentor.token).expectProblem(.notFound)
            let accepted = try await client.send(.post, "/mentors/sessions/\(s1)/accept", token: mentor.token)
            #expect(accepted.status == .ok && accepted.logPosition != nil, "\(accepted.text)")
            #expect(try accepted.jsonObject()["status"] as? String == "accepted")
            try await client.send(.post, "/mentors/sessions/\(s1)/accept", token: mentor.token).expectProblem(.conflict)
            let doubleBooked = try await client.send(.post, "/mentors/sessions/\(s2)/accept", token: mentor.token).expectProblem(.conflict)
            #expect((doubleBooked["detail"] as? String)?.contains(s1) == true, "\(doubleBooked)")
            let declined = try await client.send(.post, "/mentors/sessions/\(s2)/decline", json: #"{"reason": "Déjà pris"}"#, token: mentor.token)
            #expect(try declined.status == .ok && (try declined.jsonObject()["status"] as? String) == "declined", "\(declined.text)")
            try await client.send(.post, "/mentors/sessions/\(s2)/decline", token: mentor.token).expectProblem(.conflict)

            // A third, accepted then cancelled by the mentee; a stranger cannot cancel.
            let third = try await client.send(.post, "/mentors/request", json: Self.request(mentor.id, at: "2026-12-01T14:00:00Z"), token: fatou.access)
            let s3 = try #require(try third.jsonObject()["sessionId"] as? String)
            #expect(try await client.send(.post, "/mentors/sessions/\(s3)/accept", token: mentor.token).status == .ok)
            try await client.send(.post, "/mentors/sessions/\(s3)/cancel", token: koffi.access).expectProblem(.forbidden)
            try await client.send(.post, "/mentors/sessions/\(s3)/cancel", json: #"{"reason": 3}"#, token: fatou.access)
                .expectProblem(.unprocessableContent)
            let cancelled = try await client.send(.post, "/mentors/sessions/\(s3)/cancel", json: #"{"reason": "Empêchement"}"#, token: fatou.access)
            #expect(try cancelled.status == .ok && (try cancelled.jsonObject()["status"] as? String) == "cancelled", "\(cancelled.text)")
            // The freed slot can be booked again.
            let rebooked = try await client.send(.post, "/mentors/request", json: Self.request(mentor.id, at: "2026-12-01T14:00:00Z"), token: koffi.access)
            let s4 = try #require(try rebooked.jsonObject()["sessionId"] as? String)
            #expect(try await client.send(.post, "/mentors/sessions/\(s4)/accept", token: mentor.token).status == .ok)

            // Completion from the scheduled start on, by the mentor only.
            try await client.send(.post, "/mentors/sessions/\(s1)/complete", token: mentor.token).expectProblem(.conflict)
            try await client.send(.post, "/mentors/sessions/\(s1)/feedback", json: #"{"rating": 5}"#, token: koffi.access).expectProblem(.conflict)
            clock.advance(2 * 3_600 + 30 * 60)  // 10:30: access tokens have expired
            let mentorToken = try await client.logIn("aminata@example.sn"), koffiToken = try await client.logIn("koffi@example.tg")
            let fatouToken = try await client.logIn("fatou@example.ml")
            try await client.send(.post, "/mentors/sessions/\(s1)/complete", token: koffiToken).expectProblem(.forbidden)
            let completed = try await client.send(.post, "/mentors/sessions/\(s1)/complete", token: mentorToken)
            #expect(try completed.status == .ok && (try completed.jsonObject()["status"] as? String) == "completed", "\(completed.text)")

            // Feedback: once per party, 1–5, parties only.
            let rated = try await client.send(.post, "/mentors/sessions/\(s1)/feedback", json: #"{"rating": 5, "comment": "Très utile"}"#, token: koffiToken)
            #expect(rated.status == .noContent && rated.logPosition != nil, "\(rated.text)")
            try await client.send(.post, "/mentors/sessions/\(s1)/feedback", json: #"{"rating": 4}"#, token: koffiToken).expectProblem(.conflict)
            try await client.send(.post, "/mentors/sessions/\(s1)/feedback", json: #"{"rating": 4}"#, token: fatouToken).expectProblem(.forbidden)
            let outOfRange = try await client.send(.post, "/mentors/sessions/\(s1)/feedback", json: #"{"rating": 6}"#, token: mentorToken)
                .expectProblem(.unprocessableContent)
            #expect((outOfRange["errors"] as? [[String: Any]])?.first?["field"] as? String == "rating")
            try await client.send(.post, "/mentors/sessions/\(s1)/feedback", json: #"{"comment": "x"}"#, token: mentorToken)
                .expectProblem(.unprocessableContent)
            let mentorRated = try await client.send(.post, "/mentors/sessions/\(s1)/feedback", json: #"{"rating": 4}"#, token: mentorToken)
            #expect(mentorRated.status == .noContent)

            // The mentee's rating moved the mentor's Bayesian rating: (5 × 4.0 + 5) / 6.
            let listed = try await client.get("/mentors/available", token: koffiToken, after: mentorRated.logPosition)
            let rating = try #require((try listed.jsonObject()["items"] as? [[String: Any]])?.first?["rating"] as? [String: Any])
            #expect(rating["count"] as? Int == 1)
            #expect(abs((rating["average"] as? Double ?? 0) - 25.0 / 6.0) < 1e-9)

            // The caller's sessions, as mentor or mentee, filtered by status.
            func sessions(_ query: String, _ token: String) async throws -> [[String: Any]] {
                let page = try await client.get("/mentors/sessions\(query)", token: token, after: mentorRated.logPosition)
                #expect(page.status == .ok, "\(page.text)")
                return try page.jsonObject()["items"] as? [[String: Any]] ?? []
            }
            #expect(Set(try await sessions("", mentorToken).compactMap { $0["id"] as? String }) == [s1, s2, s3, s4])
            let done = try await sessions("?status=completed", mentorToken)
            #expect(done.count == 1 && done.first?["id"] as? String == s1)
            let feedback = done.first?["feedback"] as? [String: [String: Any]]
            #expect(feedback?["mentee"]?["rating"] as? Int == 5 && feedback?["mentor"]?["rating"] as? Int == 4)
            #expect(try await sessions("?as=mentee", mentorToken).isEmpty)
            #expect(Set(try await sessions("", fatouToken).compactMap { $0["status"] as? String }) == ["declined", "cancelled"])
            let paged = try await client.get("/mentors/sessions?limit=1", token: mentorToken, after: nil)
            #expect((try paged.jsonObject()["nextCursor"] as? String) != nil)
            try await client.send(.get, "/mentors/sessions?status=lost", token: mentorToken).expectProblem(.badRequest)

            // The calendar, as JSON and as iCalendar.
            let window = "?from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z"
            let json = try await client.get("/mentors/calendar\(window)", token: mentorToken, after: mentorRated.logPosition)
            let entries = try #require(try json.jsonObject()["items"] as? [[String: Any]])
            let statuses = Dictionary(uniqueKeysWithValues: entries.compactMap { entry in
                (entry["uid"] as? String).map { ($0, entry["status"] as? String ?? "") }
            })
            #expect(statuses == ["\(s1)@protalent": "completed", "\(s2)@protalent": "declined", "\(s3)@protalent": "cancelled", "\(s4)@protalent": "accepted"])
            let ics = try await client.get("/mentors/calendar\(window)", token: mentorToken, after: mentorRated.logPosition, accept: "text/calendar")
            #expect(ics.status == .ok && ics.headers[.contentType]?.hasPrefix("text/calendar") == true)
            #expect(ics.text.contains("UID:\(s3)@protalent\r\nSEQUENCE:2\r\nSTATUS:CANCELLED"), "\(ics.text)")
            #expect(ics.text.contains("UID:\(s1)@protalent") && ics.text.contains("STATUS:CONFIRMED") && ics.text.contains("DTSTART:20261201T100000Z"))
            try await client.send(.get, "/mentors/calendar?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", token: mentorToken)
                .expectProblem(.unprocessableContent)
            try await client.send(.get, "/mentors/calendar?from=2026-01-01T00:00:00Z&to=2028-01-01T00:00:00Z", token: mentorToken)
                .expectProblem(.unprocessableContent)
        }
    }

    /// Python's `icalendar` (PyPI) reads the feed: stable UIDs, SEQUENCE bumped on each change,
    /// STATUS:CANCELLED kept for a called-off session.
    @Test(.enabled(if: ICalendarPython.shared.python != nil, "pip could not install icalendar into a venv (offline?); the iCalendar feed is not checked by a third-party parser"))
    func theCalendarFeedParsesWithPythonsICalendar() async throws {
        let python = try #require(ICalendarPython.shared.python)
        let clock = ManualClock(Self.tuesday)
        let fixture = try APIFixture(clock: clock.clock)
        let ics = try await fixture.test { client in
            let admin = try await client.signUpAdmin(fixture, email: "admin@protalent.sn")
            let mentor = try await Self.verifiedMentor(client, fixture, email: "aminata@example.sn", admin: admin.access)
            let koffi = try await client.signUp(fixture, email: "koffi@example.tg")
            var ids: [String] = []
            for time in ["2026-12-01T10:00:00Z", "2026-12-01T12:00:00Z"] {
                let requested = try await client.send(.post, "/mentors/request", json: Self.request(mentor.id, at: time, title: #"Revue; CV, \"final\""#), token: koffi.access)
                ids.append(try #require(try requested.jsonObject()["sessionId"] as? String))
            }
            _ = try await client.send(.post, "/mentors/sessions/\(ids[1])/accept", token: mentor.token)
            let cancelled = try await client.send(.post, "/mentors/sessions/\(ids[1])/cancel", token: koffi.access)
            let feed = try await client.get("/mentors/calendar?from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z", token: koffi.access,
                                            after: cancelled.logPosition, accept: "text/calendar")
            #expect(feed.status == .ok)
            return (feed.text, ids)
        }
        let parsed = try ICalendarPython.shared.parse(ics.0, python: python)
        #expect(parsed.count == 2, "\(parsed)")
        #expect(parsed.map(\.uid) == ics.1.map { "\($0)@protalent" })
        #expect(parsed.map(\.status) == ["TENTATIVE", "CANCELLED"])
        #expect(parsed.map(\.sequence) == [0, 2])
        #expect(parsed.allSatisfy { $0.summary.hasPrefix("Mentoring: Revue; CV, \"final\"") && $0.startUTC })
    }
}
