@testable import API
import Domain
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOEmbedded
import Testing

/// Security review, findings 1 and 2: an access token is only as good as the account behind it,
/// at every request and on an open live feed.
@Suite struct AccessRevocationTests {
    @Test func aDemotedAdminsTokenLosesAdminPowerAtTheNextRequest() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let first = try await client.signUpAdmin(fixture, email: "first.admin@example.sn")
            let second = try await client.signUpAdmin(fixture, email: "second.admin@example.sn")
            let bystander = try await client.signUp(fixture, email: "bystander@example.sn")
            #expect(try await client.send(.get, "/admin/audit", token: first.access).status == .ok, "control: the token works before")

            let demoted = try await client.send(.put, "/admin/users/\(first.userID)/role", json: #"{"role": "student"}"#, token: second.access)
            #expect(demoted.status == .noContent, "\(demoted.text)")
            // The same token acts with the current role: a student's.
            try await client.send(.get, "/admin/audit", token: first.access).expectProblem(.forbidden)
            try await client.send(.put, "/admin/users/\(bystander.userID)/role", json: #"{"role": "admin"}"#, token: first.access)
                .expectProblem(.forbidden)
            // A new login carries the current role.
            let fresh = try await client.logIn("first.admin@example.sn")
            try await client.send(.get, "/admin/audit", token: fresh).expectProblem(.forbidden)
        }
    }

    @Test func anErasedPersonsTokenCreatesNothing() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let person = try await client.signUp(fixture, email: "leaving@example.sn")
            let body = #"{"name": "Club", "category": "interest", "isPrivate": false}"#
            let created = try await client.send(.post, "/communities", json: body, token: person.access)
            #expect(created.status == .created, "control: \(created.text)")
            #expect(try await client.eraseAccount(token: person.access).status == .noContent)
            try await client.send(.post, "/communities", json: body, token: person.access).expectProblem(.unauthorized)
        }
    }

    @Test func aPasswordResetEndsTheAccessTokensIssuedBefore() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let person = try await client.signUp(fixture, email: "forgetful@example.sn")
            #expect(try await client.send(.get, "/users/profile", token: person.access).status != .unauthorized, "control")
            #expect(try await client.send(.post, "/auth/forgot-password", json: #"{"email": "forgetful@example.sn"}"#).status == .accepted)
            await fixture.platform.passwordResets.queue.waitUntilEmpty()
            await fixture.platform.mail.waitUntilDelivered()
            let mail = try #require(try fixture.outbox().last)
            let token = try #require(mailedToken(mail))
            let reset = try await client.send(.post, "/auth/reset-password", json: #"{"token": "\#(token)", "newPassword": "a brand new passphrase"}"#)
            #expect(reset.status == .noContent, "\(reset.text)")
            try await client.send(.get, "/users/profile", token: person.access).expectProblem(.unauthorized)
        }
    }

    /// A platform moderator follows a private community live; once demoted to student, the next
    /// post ends the stream instead of reaching them.
    @Test(.timeLimit(.minutes(5))) func anOpenLiveFeedEndsWhenItsReaderIsDemoted() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let admin = try await client.signUpAdmin(fixture, email: "admin@example.sn")
            let owner = try await client.signUp(fixture, email: "owner@example.sn")
            let moderator = try await client.signUp(fixture, email: "moderator@example.sn")
            let granted = try await client.send(.put, "/admin/users/\(moderator.userID)/role", json: #"{"role": "moderator"}"#, token: admin.access)
            #expect(granted.status == .noContent)
            let moderatorToken = try await client.logIn("moderator@example.sn")
            let closed = try await CommunitiesTests.create(client, token: owner.access, name: "Closed", isPrivate: true)
            let communityID = try #require(UUID(uuidString: closed.id))
            let ownerPrincipal = Principal.user(UUID(uuidString: owner.userID)!, .student)

            // The live route reads the community's access from the read model: let it have the community.
            #expect(await fixture.platform.readYourWrites.reach(fixture.platform.log.head))
            let responder = try buildRouter(platform: fixture.platform).router.buildResponder()
            let headers: HTTPFields = [.authorization: "Bearer \(moderatorToken)", .accept: "text/event-stream"]
            let request = Request(
                head: HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: "/communities/\(closed.id)/live", headerFields: headers),
                body: RequestBody(buffer: ByteBuffer())
            )
            let context = AppRequestContext(source: .init(channel: EmbeddedChannel(), logger: Logger(label: "test")))
            let response = try await responder.respond(to: request, context: context)
            #expect(response.status == .ok, "control: a moderator may read a private community")
            let (chunks, continuation) = AsyncStream<String>.makeStream()
            let body = Task { try await response.body.write(CommunityLiveTests.StreamingWriter(continuation: continuation)) }
            var iterator = chunks.makeAsyncIterator()

            let seen = try await CommunityLiveTests.post(fixture.platform, communityID, by: ownerPrincipal, body: "while a moderator")
            var text = ""
            while try CommunityLiveTests.posts(in: text).isEmpty, let chunk = await iterator.next() { text += chunk }
            #expect(try CommunityLiveTests.posts(in: text).map(\.id) == [seen], "control: the feed delivers")

            let demoted = try await client.send(.put, "/admin/users/\(moderator.userID)/role", json: #"{"role": "student"}"#, token: admin.access)
            #expect(demoted.status == .noContent)
            _ = try await CommunityLiveTests.post(fixture.platform, communityID, by: ownerPrincipal, body: "after the demotion")
            var rest = ""
            while let chunk = await iterator.next() { rest += chunk }
            #expect(rest.hasSuffix(CommunityLiveTests.StreamingWriter.finished))
            #expect(try CommunityLiveTests.posts(in: rest).isEmpty, "\(rest)")
            try await body.value
        }
    }
}
