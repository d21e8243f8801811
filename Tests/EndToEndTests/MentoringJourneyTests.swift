import Foundation
import Testing
import TestSupport

/// A mentor applies, is verified by an admin, is found, booked, accepts, holds and completes the
/// session, and is rated; the audit trail of the session says the same in `protalent replay` and
/// in `GET /admin/audit`.
@Suite(.serialized) struct MentoringJourneyTests {
    static let everyDay = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].map {
        ["day": $0, "start": "00:00", "end": "24:00"]
    }

    @Test func aMentorIsVerifiedFoundBookedAcceptedHeldAndRated() async throws {
        try await withServer { server in
            let admin = try await server.bootstrapAdmin()
            let mentor = try await server.signUp(uniqueEmail("cheikh"), role: "mentor", firstName: "Cheikh", lastName: "Ba")
            let student = try await server.signUp(uniqueEmail("aminata"), firstName: "Aminata", lastName: "Sow")

            let application: [String: Any] = [
                "expertiseAreas": ["data engineering", "career advice"], "experienceYears": 8, "languages": ["fr", "en"],
                "timeZone": "Africa/Dakar", "availability": Self.everyDay, "hourlyRate": ["amount": "25.00", "currency": "EUR"],
            ]
            let applied = try await server.client.send("POST", "/mentors", json: application, token: mentor.accessToken)
            #expect(applied.status == 201 && applied.object["mentorId"] as? String == mentor.id, "\(applied)")

            // Not bookable before an admin vouches for the mentor.
            func booking(at start: Date) -> [String: Any] {
                [
                    "mentorId": mentor.id, "title": "Préparer un entretien data", "description": "Revue de CV et questions techniques",
                    "scheduledAt": iso8601(start), "durationMinutes": 30,
                ]
            }
            let early = try await server.client.send("POST", "/mentors/request", json: booking(at: Date().addingTimeInterval(3_600)), token: student.accessToken)
            #expect(early.status == 409 && early.isProblem, "booking an unverified mentor: \(early)")
            let byStudent = try await server.client.send("POST", "/mentors/\(mentor.id)/verify", token: student.accessToken)
            #expect(byStudent.status == 403 && byStudent.isProblem, "\(byStudent)")
            let verified = try await server.client.send("POST", "/mentors/\(mentor.id)/verify", token: admin.accessToken)
            #expect(verified.status == 204, "\(verified)")
            let verifiedAt = try #require(verified.logPosition)

            let found = try await server.read("/mentors/available?expertise=data%20engineering&language=fr", token: student.accessToken, after: verifiedAt)
            let listed = (found.object["items"] as? [[String: Any]] ?? []).compactMap { $0["mentorId"] as? String }
            #expect(found.status == 200 && listed.contains(mentor.id), "\(found)")

            // Twelve seconds ahead, counted from here: the session must still be ahead when the
            // mentor accepts (a few requests later), and this test waits for it to start.
            let start = Date().addingTimeInterval(12).rounded()
            let sessionBooking = booking(at: start)
            let requested = try await server.client.send("POST", "/mentors/request", json: sessionBooking, token: student.accessToken)
            #expect(requested.status == 201 && requested.object["status"] as? String == "requested", "\(requested)")
            let session = try #require(requested.object["sessionId"] as? String)
            let selfBooking = try await server.client.send("POST", "/mentors/request", json: sessionBooking, token: mentor.accessToken)
            #expect(selfBooking.status == 422 && selfBooking.isProblem, "booking oneself: \(selfBooking)")

            let acceptedByMentee = try await server.client.send("POST", "/mentors/sessions/\(session)/accept", token: student.accessToken)
            #expect(acceptedByMentee.status == 403 && acceptedByMentee.isProblem, "\(acceptedByMentee)")
            let tooEarly = try await server.client.send("POST", "/mentors/sessions/\(session)/complete", token: mentor.accessToken)
            #expect(tooEarly.status == 409 && tooEarly.isProblem, "completing before the start: \(tooEarly)")
            let accepted = try await server.client.send("POST", "/mentors/sessions/\(session)/accept", token: mentor.accessToken)
            #expect(accepted.status == 200 && accepted.object["status"] as? String == "accepted", "\(accepted)")
            let beforeHeld = try await server.client.send("POST", "/mentors/sessions/\(session)/feedback", json: ["rating": 5], token: student.accessToken)
            #expect(beforeHeld.status == 409 && beforeHeld.isProblem, "feedback before the session is held: \(beforeHeld)")

            // The session starts; the mentor completes it; both rate, once.
            let wait = start.timeIntervalSinceNow + 0.5
            if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
            let completed = try await server.client.send("POST", "/mentors/sessions/\(session)/complete", token: mentor.accessToken)
            #expect(completed.status == 200 && completed.object["status"] as? String == "completed", "\(completed)")
            let rated = try await server.client.send("POST", "/mentors/sessions/\(session)/feedback",
                                                     json: ["rating": 5, "comment": "Très utile, merci !"], token: student.accessToken)
            #expect(rated.status == 204, "\(rated)")
            let twice = try await server.client.send("POST", "/mentors/sessions/\(session)/feedback", json: ["rating": 1], token: student.accessToken)
            #expect(twice.status == 409 && twice.isProblem, "feedback twice: \(twice)")
            let ratedAt = try #require(rated.logPosition)

            let sessions = try await server.read("/mentors/sessions", token: mentor.accessToken, after: ratedAt)
            let held = (sessions.object["items"] as? [[String: Any]] ?? []).first { $0["id"] as? String == session }
            #expect(held?["status"] as? String == "completed", "\(sessions)")
            #expect(((held?["feedback"] as? [String: Any])?["mentee"] as? [String: Any])?["rating"] as? Int == 5, "\(sessions)")
            let listing = try await server.read("/mentors/available?expertise=data%20engineering", token: student.accessToken, after: ratedAt)
            let rating = ((listing.object["items"] as? [[String: Any]])?.first { $0["mentorId"] as? String == mentor.id })?["rating"] as? [String: Any]
            #expect(rating?["count"] as? Int == 1, "the mentor's rating counts the feedback: \(listing)")
            let calendar = try await server.client.send("GET", "/mentors/calendar", headers: ["Accept": "text/calendar", "X-Min-Position": String(ratedAt)],
                                                        token: student.accessToken)
            #expect(calendar.status == 200 && calendar.text.contains("BEGIN:VCALENDAR"), "\(calendar)")

            // The session's audit trail: the CLI and the admin API agree, type for type, in order.
            let stream = "session-\(session)"
            let replayed = try await server.replay(stream: stream).compactMap { $0["type"] as? String }
            #expect(replayed.count >= 4, "\(replayed)")
            for (earlier, later) in zip(["request", "accept", "complete"], ["accept", "complete", "feedback"]) {
                let first = replayed.firstIndex { $0.contains(earlier) }
                let second = replayed.lastIndex { $0.contains(later) }
                #expect(first != nil && second != nil && first! < second!, "\(earlier) before \(later) in \(replayed)")
            }
            let audit = try await server.read("/admin/audit?stream=\(stream)&limit=100", token: admin.accessToken, after: ratedAt)
            #expect(audit.status == 200, "\(audit)")
            let audited = (audit.object["items"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String }
            #expect(Array(audited.reversed()) == replayed, "GET /admin/audit (newest first) against protalent replay")
            #expect(try await server.verify().status == 0)
        }
    }
}

/// `2026-11-24T18:00:00Z`.
func iso8601(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
}

extension Date {
    /// The next whole second.
    func rounded() -> Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.up)) }
}
