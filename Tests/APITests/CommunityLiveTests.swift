@testable import API
import Domain
import EventLog
import EventSourcing
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOEmbedded
import HummingbirdTesting
import NIOCore
import ReadModels
import Synchronization
import Testing

@Suite struct CommunityLiveTests {
    /// The `data:` lines of the `event: post` frames in an SSE body, with their ids.
    static func posts(in text: String) throws -> [(id: Int64, post: [String: Any])] {
        try text.components(separatedBy: "\n\n").compactMap { frame in
            let lines = frame.split(separator: "\n").map(String.init)
            guard lines.contains("event: post"),
                  let id = lines.first(where: { $0.hasPrefix("id: ") }).flatMap({ Int64($0.dropFirst(4)) }),
                  let data = lines.first(where: { $0.hasPrefix("data: ") })?.dropFirst(6)
            else { return nil }
            return (id, try #require(JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any]))
        }
    }

    static func post(_ platform: Platform, _ communityID: UUID, by author: Principal, body: String) async throws -> Int64 {
        try await platform.commands.execute(
            .post(postID: UUID(), title: nil, body: body, by: author, now: Date()), on: Communities.self,
            stream: StreamName.community(communityID), by: author
        ).position
    }

    @Test func refusesOutsidersOfPrivateCommunitiesUnknownCommunitiesAndBadResumeIds() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let owner = try await client.signUp(fixture, email: "owner@example.sn")
            let outsider = try await client.signUp(fixture, email: "outsider@example.sn")
            let closed = try await CommunitiesTests.create(client, token: owner.access, name: "Closed", isPrivate: true)
            try await client.get("/communities/\(closed.id)/live", token: outsider.access, after: closed.position).expectProblem(.forbidden)
            try await client.get("/communities/\(UUID())/live", token: outsider.access, after: nil).expectProblem(.notFound)
            try await client.send(.get, "/communities/\(closed.id)/live", token: owner.access, headers: [CommunityLiveFeed.lastEventID: "-3"])
                .expectProblem(.badRequest)
            try await client.send(.get, "/communities/\(closed.id)/live").expectProblem(.unauthorized)
        }
    }

    /// Collects a streamed response body chunk by chunk, so a test reads it while it is written.
    struct StreamingWriter: ResponseBodyWriter {
        static let finished = "<finished>"
        let continuation: AsyncStream<String>.Continuation

        mutating func write(_ buffer: ByteBuffer) async throws {
            continuation.yield(String(buffer: buffer))
        }

        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
            continuation.yield(Self.finished)
            continuation.finish()
        }
    }

    /// The route end to end through the real router, its body read as it streams: a member
    /// follows a private community from a `Last-Event-ID`; the stream carries the posts after it,
    /// in order, with log positions as ids, and ends cleanly once the member is banned.
    @Test func streamsNewPostsToMembersFromTheLastEventIdUntilTheyLoseAccess() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let owner = try await client.signUp(fixture, email: "owner@example.sn")
            let member = try await client.signUp(fixture, email: "member@example.sn")
            let closed = try await CommunitiesTests.create(client, token: owner.access, name: "Closed", isPrivate: true)
            let communityID = try #require(UUID(uuidString: closed.id))
            let ownerPrincipal = Principal.user(UUID(uuidString: owner.userID)!, .student)
            _ = try await client.send(.post, "/communities/\(closed.id)/join", token: member.access)
            _ = try await client.send(.post, "/communities/\(closed.id)/requests/\(member.userID)/approve", token: owner.access)
            let before = try await Self.post(fixture.platform, communityID, by: ownerPrincipal, body: "old news")

            let responder = try buildRouter(platform: fixture.platform).router.buildResponder()
            var headers: HTTPFields = [.authorization: "Bearer \(member.access)", CommunityLiveFeed.lastEventID: String(before)]
            headers[.accept] = "text/event-stream"
            let request = Request(
                head: HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: "/communities/\(closed.id)/live", headerFields: headers),
                body: RequestBody(buffer: ByteBuffer())
            )
            let context = AppRequestContext(source: .init(channel: EmbeddedChannel(), logger: Logger(label: "test")))
            let response = try await responder.respond(to: request, context: context)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/event-stream") == true)
            let (chunks, continuation) = AsyncStream<String>.makeStream()
            let body = Task { try await response.body.write(StreamingWriter(continuation: continuation)) }
            var iterator = chunks.makeAsyncIterator()

            // Appended before or after the stream subscribes: the resume id makes it the same.
            let first = try await Self.post(fixture.platform, communityID, by: ownerPrincipal, body: "first live post")
            let second = try await Self.post(fixture.platform, communityID, by: ownerPrincipal, body: "second, with \"quotes\"\nand a newline")
            var text = ""
            while try Self.posts(in: text).count < 2, let chunk = await iterator.next() { text += chunk }
            #expect(text.hasPrefix("retry: 3000\n"))
            let posts = try Self.posts(in: text)
            #expect(posts.map(\.id) == [first, second])
            #expect(posts.map { $0.post["body"] as? String } == ["first live post", "second, with \"quotes\"\nand a newline"])
            #expect(posts.allSatisfy { $0.post["communityId"] as? String == closed.id && $0.post["authorId"] as? String == owner.userID })

            let ban = try await client.send(.post, "/communities/\(closed.id)/members/\(member.userID)/ban", token: owner.access)
            #expect(ban.status == .noContent)
            _ = try await Self.post(fixture.platform, communityID, by: ownerPrincipal, body: "after the ban")
            var rest = ""
            while let chunk = await iterator.next() { rest += chunk }
            #expect(rest.hasSuffix(StreamingWriter.finished))
            #expect(try Self.posts(in: rest).isEmpty)
            try await body.value
        }
    }

    /// A client that stops reading is dropped once its queue is full, while the log writer keeps
    /// appending and another client receives every post.
    @Test func aSlowClientIsDroppedWithoutHoldingUpTheWriterOrOtherClients() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let owner = try await client.signUp(fixture, email: "owner@example.sn")
            let community = try await CommunitiesTests.create(client, token: owner.access, name: "Busy")
            let communityID = try #require(UUID(uuidString: community.id))
            let principal = Principal.user(UUID(uuidString: owner.userID)!, .student)
            let start = fixture.platform.log.head
            let count = 40

            var slow = try Self.feed(fixture.platform, communityID, viewer: principal)
            slow.bufferLimit = 4
            let stalled = Task {
                // Never returns from its first write, like a client that stopped reading.
                try await slow.stream(after: start) { _ in try await Task.sleep(for: .seconds(3_600)) }
            }
            let received = Mutex<[Int64]>([])
            let fast = Task {
                struct Done: Error {}
                let feed = try Self.feed(fixture.platform, communityID, viewer: principal)
                do {
                    _ = try await feed.stream(after: start) { buffer in
                        let ids = try Self.posts(in: String(buffer: buffer)).map(\.id)
                        let total = received.withLock { $0.append(contentsOf: ids); return $0.count }
                        if total == count { throw Done() }
                    }
                } catch is Done {}
            }
            var positions: [Int64] = []
            for index in 0..<count {
                positions.append(try await Self.post(fixture.platform, communityID, by: principal, body: "post \(index) " + String(repeating: "x", count: 200)))
            }
            #expect(try await stalled.value == .tooSlow)
            try await fast.value
            #expect(received.withLock { $0 } == positions)
        }
    }

    @Test func sendsHeartbeatCommentsWhileIdle() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let owner = try await client.signUp(fixture, email: "owner@example.sn")
            let community = try await CommunitiesTests.create(client, token: owner.access, name: "Quiet")
            var feed = try Self.feed(
                fixture.platform, try #require(UUID(uuidString: community.id)), viewer: .user(UUID(uuidString: owner.userID)!, .student)
            )
            feed.heartbeat = .milliseconds(10)
            struct Done: Error {}
            let frames = Mutex<[String]>([])
            await #expect(throws: Done.self) {
                _ = try await feed.stream(after: fixture.platform.log.head) { buffer in
                    let text = String(buffer: buffer)
                    frames.withLock { $0.append(text) }
                    if text == ": heartbeat\n\n" { throw Done() }
                }
            }
            #expect(frames.withLock { $0 } == ["retry: 3000\n: connected\n\n", ": heartbeat\n\n"])
        }
    }

    /// A client's feed, made as the controller makes it.
    static func feed(_ platform: Platform, _ communityID: UUID, viewer: Principal) throws -> CommunityLiveFeed {
        let token = TokenService.VerifiedAccess(principal: viewer, tokenID: "", generation: 0, expiresAt: .distantFuture)
        return try CommunityLiveFeeds(
            feed: platform.communityFeed, readYourWrites: platform.readYourWrites, access: platform.access, clock: platform.clock,
            logger: platform.logger, limit: LiveStreamLimit()
        ).feed(of: communityID, viewer: token, communities: try platform.readModels.communities)
    }
}
