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

    /// A platform configuration on `directory` with `masterKey` (a restart keeps both).
    static func configuration(_ directory: TemporaryDirectory, masterKey: String) -> Platform.Configuration {
        Platform.Configuration(
            dataDirectory: directory.url, projectionsDirectory: repositoryProjections, environment: ["PROTALENT_MASTER_KEY": masterKey],
            passwordHasher: PasswordHasher(logN: 10), rateLimits: RateLimits(enabled: false), durability: .unsafeNoSync
        )
    }

    /// Registers `email`, logs in and creates a community with `key`: the token and the answer.
    static func signUpAndCreate(on platform: Platform, email: String, name: String, key: String) async throws -> (String, TestResponse) {
        try await buildApplication(platform: platform).test(.router) { client in
            let registered = try await client.send(.post, "/auth/register", json: """
                {"email": "\(email)", "password": "correct horse battery", "firstName": "Awa", "lastName": "Diop", "role": "student", "countryCode": "SN"}
                """)
            #expect(registered.status == .created, "\(registered.text)")
            let token = try await client.logIn(email)
            return (token, try await createCommunity(client, token: token, name: name, key: key))
        }
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

    /// The state a crash between a keyed command's append and its answer's record leaves: the
    /// claim and the command's events in the log, no record. Made by copying a real data directory
    /// whose log is rewritten without its last event (the record), as the crashed process left it.
    @Test func aClaimWhoseAnswerWasNeverRecordedAnswersThatTheCommandTookEffectOnce() async throws {
        let original = try TemporaryDirectory("protalent-idempotency-original")
        let crashed = try TemporaryDirectory("protalent-idempotency-crashed")
        defer { original.remove(); crashed.remove() }
        let masterKey = Base64.encode(SecureRandom.bytes(count: 32))
        let before = try Platform(Self.configuration(original, masterKey: masterKey))
        let (token, first) = try await Self.signUpAndCreate(on: before, email: "idem-orphan@example.sn", name: "Geology Kédougou", key: "orphan")
        #expect(first.status == .created, "\(first.text)")
        let events = try before.log.read(from: 1, maxCount: 10_000)
        before.close()
        #expect(events.last?.type == "idempotency.recorded")

        // Everything but the log and what was derived from it; then the log without the record.
        for name in try FileManager.default.contentsOfDirectory(atPath: original.url.path) where !["log", "snapshots"].contains(name) {
            try FileManager.default.copyItem(at: original.url.appendingPathComponent(name), to: crashed.url.appendingPathComponent(name))
        }
        let files = FileManager.default.enumerator(atPath: crashed.url.path)?.allObjects.compactMap { $0 as? String } ?? []
        for path in files where [".sqlite", ".sqlite-wal", ".sqlite-shm"].contains(where: path.hasSuffix) {
            try FileManager.default.removeItem(at: crashed.url.appendingPathComponent(path))
        }
        let log = try EventLog.open(directory: crashed.url.appendingPathComponent("log").path)
        for event in events.dropLast() {
            _ = try await log.append(to: event.stream, expectedVersion: .exactly(event.streamVersion - 1), events: [
                ProposedEvent(eventId: event.eventId, type: event.type, metadata: event.metadata, payload: event.payload),
            ])
        }
        log.close()

        let after = try Platform(Self.configuration(crashed, masterKey: masterKey))
        defer { after.close() }
        let (recovered, again) = try await buildApplication(platform: after).test(.router) { client in
            (try await Self.createCommunity(client, token: token, name: "Geology Kédougou", key: "orphan"),
             try await Self.createCommunity(client, token: token, name: "Geology Kédougou", key: "orphan"))
        }
        #expect(recovered.status == .ok, "\(recovered.text)")
        #expect(try recovered.jsonObject()["applied"] as? Bool == true)
        #expect(recovered.logPosition.map { $0 >= events.count - 1 } == true)
        #expect(again.status == .ok && again.headers[Self.replayed] == "true" && again.text == recovered.text)
        // A recorded Content-Length of 0 (the recovery's first answer had no body yet) cut the
        // replayed body to nothing for a real HTTP client.
        for answer in [recovered, again] {
            #expect(answer.headers[.contentLength].map { Int($0) == answer.body.readableBytes } ?? true, "\(answer.headers)")
        }
        let types = try after.log.read(from: 1, maxCount: 10_000).map(\.type)
        #expect(types.filter { $0 == "communities.community-created" }.count == 1)
        #expect(types.filter { $0.hasPrefix("idempotency.") } == ["idempotency.claimed", "idempotency.recorded"])
    }

    @Test func theFirstOutcomeSurvivesARestartOnTheSameDataDirectory() async throws {
        let directory = try TemporaryDirectory("protalent-idempotency")
        defer { directory.remove() }
        let configuration = Self.configuration(directory, masterKey: Base64.encode(SecureRandom.bytes(count: 32)))
        let before = try Platform(configuration)
        let (token, first) = try await Self.signUpAndCreate(on: before, email: "idem-restart@example.sn", name: "Agronomy Kaolack", key: "restart")
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
