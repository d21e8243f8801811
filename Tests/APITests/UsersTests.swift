import API
import EventLog
import EventSourcing
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

let minPosition = HTTPField.Name("X-Min-Position")!

@Suite struct UsersTests {
    @Test func profileEditsAreReadBackWithReadYourWrites() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let user = try await client.signUp(fixture, email: "fatou@example.sn")
            let update = try await client.send(.put, "/users/profile", json: """
                {"firstName": "Fatou", "bio": "Étudiante en santé publique", "currentEducationLevel": "master",
                 "fieldOfStudy": "Public Health", "interests": ["Épidémiologie"], "languages": [{"code": "fr", "level": "native"}],
                 "skills": [{"name": "R", "level": "advanced"}], "countryCode": "SN", "city": "Dakar"}
                """, token: user.access)
            #expect(update.status == .noContent, "\(update.text)")
            let position = try #require(update.logPosition)
            let read = try await client.send(.get, "/users/profile", token: user.access, headers: [minPosition: String(position)])
            #expect(read.status == .ok, "\(read.text)")
            let body = try read.jsonObject()
            let profile = body  // account and profile fields side by side
            #expect(profile["firstName"] as? String == "Fatou")
            #expect(profile["lastName"] as? String == "Diop")
            #expect(profile["currentEducationLevel"] as? String == "master")
            #expect((profile["skills"] as? [[String: Any]])?.first?["level"] as? String == "advanced")
            #expect(body["email"] as? String == "fatou@example.sn")

            let badLevel = try await client.send(.put, "/users/profile", json: #"{"languages": [{"code": "fr", "level": "fluentish"}]}"#, token: user.access)
            let problem = try badLevel.expectProblem(.unprocessableContent)
            #expect((problem["errors"] as? [[String: Any]])?.first?["field"] as? String == "languages[0].level")
            // A position beyond the head is refused rather than waited for.
            try await client.send(.get, "/users/profile", token: user.access, headers: [minPosition: "999999999"]).expectProblem(.badRequest)
        }
    }

    @Test func publicProfilesFollowVisibilityAndErasureRemovesThePerson() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let owner = try await client.signUp(fixture, email: "owner@example.ci")
            let viewer = try await client.signUp(fixture, email: "viewer@example.ci")
            var position = try #require(try await client.send(.put, "/users/profile", json: #"{"bio": "Bonjour"}"#, token: owner.access).logPosition)
            let wait: HTTPFields = [minPosition: String(position)]
            #expect(try await client.send(.get, "/users/\(owner.userID)/public", headers: wait).status == .ok)

            position = try #require(try await client.send(.put, "/users/preferences", json: #"{"profileVisibility": "members"}"#, token: owner.access).logPosition)
            let afterMembers: HTTPFields = [minPosition: String(position)]
            try await client.send(.get, "/users/\(owner.userID)/public", headers: afterMembers).expectProblem(.notFound)
            #expect(try await client.send(.get, "/users/\(owner.userID)/public", token: viewer.access, headers: afterMembers).status == .ok)

            position = try #require(try await client.send(.put, "/users/preferences", json: #"{"profileVisibility": "private"}"#, token: owner.access).logPosition)
            let afterPrivate: HTTPFields = [minPosition: String(position)]
            try await client.send(.get, "/users/\(owner.userID)/public", token: viewer.access, headers: afterPrivate).expectProblem(.notFound)
            #expect(try await client.send(.get, "/users/\(owner.userID)/public", token: owner.access, headers: afterPrivate).status == .ok)
            try await client.send(.put, "/users/preferences", json: #"{"profileVisibility": "friends"}"#, token: owner.access)
                .expectProblem(.unprocessableContent)

            let export = try await client.send(.get, "/users/me/export", token: owner.access, headers: afterPrivate)
            #expect(export.status == .ok, "\(export.text)")
            let data = try export.jsonObject()
            #expect((data["account"] as? [String: Any])?["email"] as? String == "owner@example.ci")
            for section in ["profile", "preferences", "communities", "posts", "eventRegistrations", "auditEntries"] {
                #expect(data[section] != nil, "export lacks \(section)")
            }
            let audit = try #require(data["auditEntries"] as? [[String: Any]])
            #expect(audit.contains { $0["type"] as? String == "identity.account-registered" })
            #expect(audit.contains { $0["type"] as? String == "profiles.preferences-changed" })
            for entry in audit { // each with the log's time of its event, to the millisecond
                let position = try #require(entry["position"] as? Int)
                let record = try #require(try fixture.platform.log.read(from: Int64(position), maxCount: 1).first)
                #expect(entry["time"] as? String == ISO8601Micros.format(record.timestampMicros))
            }

            let erased = try await client.eraseAccount(token: owner.access)
            let gone: HTTPFields = [minPosition: String(try #require(erased.logPosition))]
            try await client.send(.get, "/users/\(owner.userID)/public", token: viewer.access, headers: gone).expectProblem(.notFound)
            try await client.send(.get, "/users/not-a-uuid/public").expectProblem(.notFound)
        }
    }

    @Test func aReadThatCannotReachItsPositionAnswers503WithRetryAfter() async throws {
        let fixture = try APIFixture(readYourWritesTimeout: .milliseconds(300))
        // No projection runner: the read models never reach the command's position.
        try await fixture.test(runsProjections: false) { client in
            let registered = try await client.send(.post, "/auth/register", json: """
                {"email": "late@example.org", "password": "correct horse battery", "firstName": "L", "lastName": "R", "role": "student"}
                """)
            let position = try #require(registered.logPosition)
            let late = try await client.send(.get, "/users/00000000-0000-0000-0000-000000000001/public", headers: [minPosition: String(position)])
            try late.expectProblem(.serviceUnavailable)
            #expect(late.headers[.retryAfter] == "1")
        }
    }
}
