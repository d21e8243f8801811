import API
import Cryptography
import EventLog
import EventSourcing
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// `Idempotency-Key` on command routes: the first outcome again, one effect, 422 for another
/// request under the same key, and the same answer after a restart on the same data directory.
@Suite struct IdempotencyTests {
    static let key = HTTPField.Name("Idempotency-Key")!
    static let replayed = HTTPField.Name("Idempotency-Replayed")!

    static func createCommunity(_ client: some TestClientProtocol, token: String, name: String, key: String) async throws -> TestResponse {
        try await client.send(.post, "/communities", json: """
            {"name": "\(name)", "description": "A place for \(name)", "category": "academic", "countryCode": "SN", "city": "Dakar", "isPrivate": false}
            """, token: token, headers: [Self.key: key])
    }

    @Test func theSameKeyTwiceAnswersTheFirstOutcomeWithOneEffect() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let owner = try await client.signUp(fixture, email: "idem-owner@example.sn")
            let first = try await Self.createCommunity(client, token: owner.access, name: "Data Science Thiès", key: "create-1")
            #expect(first.status == .created, "\(first.text)")
            #expect(first.headers[Self.replayed] == nil)
            let second = try await Self.createCommunity(client, token: owner.access, name: "Data Science Thiès", key: "create-1")
            #expect(second.status == .created, "\(second.text)")
            #expect(second.headers[Self.replayed] == "true")
            #expect(second.text == first.text)
            #expect(second.logPosition == first.logPosition && first.logPosition != nil)
            #expect(try fixture.eventTypes().filter { $0 == "communities.community-created" }.count == 1)
            #expect(try fixture.eventTypes().filter { $0.hasPrefix("idempotency.") } == ["idempotency.claimed", "idempotency.recorded"])

            // Another key is another request; a refusal is an outcome too, replayed as such.
            let other = try await Self.createCommunity(client, token: owner.access, name: "Data Science Thiès", key: "create-2")
            #expect(other.status == .conflict || other.status == .created, "\(other.text)")
            let again = try await Self.createCommunity(client, token: owner.access, name: "Data Science Thiès", key: "create-2")
            #expect(again.status == other.status && again.text == other.text && again.headers[Self.replayed] == "true")

            // The same key from another caller is that caller's own.
            let stranger = try await client.signUp(fixture, email: "idem-stranger@example.sn")
            let theirs = try await Self.createCommunity(client, token: stranger.access, name: "Law Dakar", key: "create-1")
            #expect(theirs.status == .created && theirs.headers[Self.replayed] == nil, "\(theirs.text)")
        }
    }

    @Test func aKeyReusedWithAnotherBodyIs422() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let owner = try await client.signUp(fixture, email: "idem-reuse@example.sn")
            let first = try await Self.createCommunity(client, token: owner.access, name: "Physics Saint-Louis", key: "reused")
            #expect(first.status == .created, "\(first.text)")
            let reused = try await Self.createCommunity(client, token: owner.access, name: "Chemistry Saint-Louis", key: "reused")
            let problem = try reused.expectProblem(.unprocessableContent)
            #expect((problem["errors"] as? [[String: Any]])?.first?["field"] as? String == "Idempotency-Key")
            #expect(try fixture.eventTypes().filter { $0 == "communities.community-created" }.count == 1)

            let malformed = try await Self.createCommunity(client, token: owner.access, name: "Maths", key: "has space")
            _ = try malformed.expectProblem(.badRequest)
        }
    }

    @Test func theFirstOutcomeSurvivesARestartOnTheSameDataDirectory() async throws {
        let directory = try TemporaryDirectory("protalent-idempotency")
        defer { directory.remove() }
        let configuration = Platform.Configuration(
            dataDirectory: directory.url, projectionsDirectory: repositoryProjections,
            environment: ["PROTALENT_MASTER_KEY": Base64.encode(SecureRandom.bytes(count: 32))],
            passwordHasher: PasswordHasher(logN: 10), rateLimits: RateLimits(enabled: false), durability: .unsafeNoSync
        )
        let before = try Platform(configuration)
        let (token, first) = try await buildApplication(platform: before).test(.router) { client in
            let registered = try await client.send(.post, "/auth/register", json: """
                {"email": "idem-restart@example.sn", "password": "correct horse battery", "firstName": "Awa", "lastName": "Diop", "role": "student", "countryCode": "SN"}
                """)
            #expect(registered.status == .created, "\(registered.text)")
            let token = try await client.logIn("idem-restart@example.sn")
            return (token, try await Self.createCommunity(client, token: token, name: "Agronomy Kaolack", key: "restart"))
        }
        #expect(first.status == .created, "\(first.text)")
        before.close()

        let after = try Platform(configuration)
        defer { after.close() }
        let replayed = try await buildApplication(platform: after).test(.router) { client in
            try await Self.createCommunity(client, token: token, name: "Agronomy Kaolack", key: "restart")
        }
        #expect(replayed.status == .created && replayed.headers[Self.replayed] == "true", "\(replayed.text)")
        #expect(replayed.text == first.text && replayed.logPosition == first.logPosition)
        let created = try after.log.read(from: 1, maxCount: 10_000).filter { $0.type == "communities.community-created" }
        #expect(created.count == 1)
    }
}
