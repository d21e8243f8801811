@testable import API
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOEmbedded
import TestSupport
import Testing

/// Security review findings fixed at the HTTP edge, each reproduced through the real router.
@Suite struct SecurityReviewTests {
    /// Finding 10: requests with a refused token and requests to unknown paths are charged to the
    /// client's bucket like any other, so neither can be sent without limit.
    @Test func refusedTokensAndUnknownPathsAreRateLimited() async throws {
        // A clock that stands still: the buckets refill only when the test says so.
        let fixture = try APIFixture(rateLimits: RateLimits(perIP: .per(60, 4)), clock: ManualClock(Date()).clock)
        try await fixture.test { client in
            for _ in 0..<4 {
                try await client.send(.get, "/no/such/path").expectProblem(.notFound)
            }
            try await client.send(.get, "/no/such/path").expectProblem(.tooManyRequests)
            try await client.send(.get, "/users/profile", token: "forged.token.value").expectProblem(.tooManyRequests)
        }
        let other = try APIFixture(rateLimits: RateLimits(perIP: .per(60, 3)), clock: ManualClock(Date()).clock)
        try await other.test { client in
            for _ in 0..<3 {
                try await client.send(.get, "/users/profile", token: "forged.token.value").expectProblem(.unauthorized)
            }
            try await client.send(.get, "/users/profile", token: "forged.token.value").expectProblem(.tooManyRequests)
        }
    }

    /// Finding 5: a replaced avatar is deleted, and an erasure deletes the person's picture: no URL
    /// serves it and no file keeps it.
    @Test func avatarsGoWhenReplacedAndWhenTheirOwnerIsErased() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let user = try await client.signUp(fixture, email: "pictured@example.sn")
            func upload(_ bytes: [UInt8]) async throws -> String {
                let uploaded = try await client.execute(
                    uri: "/users/upload-avatar", method: .post, headers: [.authorization: "Bearer \(user.access)"], body: ByteBuffer(bytes: bytes)
                )
                #expect(uploaded.status == .created, "\(uploaded.text)")
                return try #require(try uploaded.jsonObject()["url"] as? String)
            }
            let first = try await upload(TestImages.png(width: 2, height: 2))
            #expect(try await client.send(.get, first).status == .ok, "control")
            let second = try await upload(TestImages.png(width: 3, height: 3))
            try await client.send(.get, first).expectProblem(.notFound)
            #expect(try await client.send(.get, second).status == .ok)

            #expect(try await client.send(.delete, "/users/me", json: #"{"password": "correct horse battery"}"#, token: user.access).status == .noContent)
            try await client.send(.get, second).expectProblem(.notFound)
            let blobs = fixture.directory.url.appendingPathComponent("blobs")
            let files = FileManager.default.enumerator(atPath: blobs.path)?.allObjects.compactMap { $0 as? String }
                .filter { $0.contains("/") } ?? []
            #expect(files.isEmpty, "left in blobs/: \(files)")
        }
    }

    /// Finding 8: failed logins lock an address whether or not it has an account (same answers), and
    /// the locked-out owner is mailed a link that gets them in.
    @Test func lockOutAnswersKnownAndUnknownAddressesAlikeAndMailsTheOwnerAWayIn() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            _ = try await client.signUp(fixture, email: "known@example.sn")
            await fixture.platform.mail.waitUntilDelivered()
            let mailsBefore = try fixture.outbox().count
            func attempt(_ email: String, _ password: String) async throws -> TestResponse {
                try await client.send(.post, "/auth/login", json: #"{"email": "\#(email)", "password": "\#(password)"}"#)
            }
            var answers: [String: [String]] = [:]
            for email in ["known@example.sn", "ghost@example.sn"] {
                for _ in 0..<5 {
                    let answer = try await attempt(email, "not the password at all")
                    answers[email, default: []].append("\(answer.status.code) \(try answer.jsonObject()["detail"] as? String ?? "")")
                }
            }
            #expect(answers["known@example.sn"] == answers["ghost@example.sn"], "\(answers)")
            #expect(answers["known@example.sn"]?.last?.hasPrefix("429") == true, "\(answers)")
            try await attempt("known@example.sn", "correct horse battery").expectProblem(.tooManyRequests)
            try await attempt("ghost@example.sn", "correct horse battery").expectProblem(.tooManyRequests)

            await fixture.platform.passwordResets.queue.waitUntilEmpty()
            await fixture.platform.mail.waitUntilDelivered()
            let mails = try fixture.outbox().dropFirst(mailsBefore)
            #expect(mails.count == 1, "one mail, to the owner only")
            let mail = try #require(mails.first)
            #expect(mail.contains("To: known@example.sn") && mail.contains("bloqué 15 minutes"))
            let token = try #require(mailedToken(mail))
            let reset = try await client.send(.post, "/auth/reset-password", json: #"{"token": "\#(token)", "newPassword": "a brand new passphrase"}"#)
            #expect(reset.status == .noContent, "\(reset.text)")
            #expect(try await attempt("known@example.sn", "a brand new passphrase").status == .ok, "the link got the owner in")
        }
    }

    /// Finding 9: password checks run on a thread of their own with a bounded queue: a burst of
    /// sign-ins for unknown addresses (each a full scrypt check against the decoy) is answered 401
    /// or, past the bound, 503 with `Retry-After` — never queued without limit on the threads that
    /// serve every other request.
    @Test func aBurstOfSignInsIsBoundedInsteadOfStallingTheServer() async throws {
        let fixture = try APIFixture(passwordChecksInFlight: 2)
        try await fixture.test { client in
            let statuses = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for index in 0..<10 {
                    group.addTask {
                        let answer = try await client.send(.post, "/auth/login", json: #"{"email": "nobody\#(index)@example.sn", "password": "whatever it is"}"#)
                        return (answer.status.code, answer.headers[.retryAfter])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0.0 == 401 || ($0.0 == 503 && $0.1 == "1") }, "\(statuses)")
            #expect(statuses.contains { $0.0 == 503 }, "\(statuses)")
            #expect(statuses.contains { $0.0 == 401 }, "\(statuses)")
            #expect(try await client.send(.get, "/health").status == .ok)
        }
    }

    /// Finding 16: people search does not list the admins to others.
    @Test func peopleSearchDoesNotListAdminsToOthers() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let admin = try await client.signUpAdmin(fixture, email: "root@example.org")
            let student = try await client.signUp(fixture, email: "curious@example.org")
            let public_ = #"{"visibility": "public"}"#
            let published = try await client.send(.put, "/users/preferences", json: public_, token: admin.access)
            #expect(published.status == .noContent, "\(published.text)")
            let position = try #require(published.logPosition)
            let asAdmin = try await client.get("/users/search?role=admin", token: admin.access, after: position)
            #expect((try asAdmin.jsonObject()["items"] as? [Any])?.isEmpty == false, "control: the admin is in the model: \(asAdmin.text)")
            let asStudent = try await client.get("/users/search?role=admin", token: student.access, after: position)
            #expect(asStudent.status == .ok)
            #expect((try asStudent.jsonObject()["items"] as? [Any])?.isEmpty == true, "\(asStudent.text)")
        }
    }
}

/// Security review, finding 4: one account cannot hold an unbounded number of live streams.
@Suite struct LiveStreamLimitTests {
    @Test func anAccountHoldsAtMostEightLiveStreamsAndGetsOneBackWhenItCloses() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let owner = try await client.signUp(fixture, email: "streams@example.sn")
            let community = try await CommunitiesTests.create(client, token: owner.access, name: "Busy")
            let responder = try buildRouter(platform: fixture.platform).router.buildResponder()
            func open() async throws -> Response {
                let headers: HTTPFields = [.authorization: "Bearer \(owner.access)", .accept: "text/event-stream"]
                let request = Request(
                    head: HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: "/communities/\(community.id)/live", headerFields: headers),
                    body: RequestBody(buffer: ByteBuffer())
                )
                return try await responder.respond(to: request, context: AppRequestContext(source: .init(channel: EmbeddedChannel(), logger: Logger(label: "test"))))
            }
            // Responses not yet written hold their streams' places, as an open connection would.
            var streams: [Response] = []
            for _ in 0..<8 {
                let stream = try await open()
                #expect(stream.status == .ok)
                streams.append(stream)
            }
            #expect(try await open().status == .tooManyRequests)
            streams.removeLast()
            #expect(try await open().status == .ok, "a closed stream gives its place back")
        }
    }
}
