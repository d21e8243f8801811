import Domain
import EventSourcing
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ReadModels
import ServiceLifecycle

/// `GET /communities/{id}/live`: a community's new posts as server-sent events, from the shared
/// typed feed of the `Communities` context (`EventFeed`: one log subscription for every client).
///
/// Each post is one `event: post` whose `id:` is its log position and whose `data:` is the post as
/// `GET /communities/{id}/posts` lists it; a client that reconnects with `Last-Event-ID` resumes
/// after that position. A comment line every `heartbeat` keeps proxies from closing an idle stream.
///
/// A slow client never slows anyone else: the feed gives each client a bounded queue, and each
/// client has its own queue of at most `bufferLimit` items between the feed and its socket. When
/// either is full the client has fallen too far behind: the connection is dropped, and the client
/// resumes from its last id when it reconnects. Access is checked again on every event of the
/// community (a member who leaves or is banned stops receiving).
struct CommunityLiveFeed: Sendable {
    /// The SSE resume header.
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
    /// The `event:` name of a new post.
    static let postEvent = "post"

    /// Why a feed ended.
    enum End: Sendable, Equatable {
        /// The log closed (server shutdown) or the viewer lost access (left, banned): the stream ends cleanly.
        case finished
        /// The client's queue overflowed: the connection is dropped.
        case tooSlow
    }

    /// Thrown out of the response body to drop the connection of a client that fell behind.
    struct ClientTooSlow: Error {}

    let feed: EventFeed<Communities.Event>
    let communities: CommunityQueries
    let readYourWrites: ReadYourWrites
    let logger: Logger
    let access: AccountAccess
    /// This stream's place in its account's allowance, given up with the response.
    let lease: LiveStreamLimit.Lease
    let communityID: UUID
    /// Who opened the feed: the token's account, generation and expiry, checked again on every
    /// event so a demotion, an erasure, a reset or the token's expiry ends the stream.
    let viewer: TokenService.VerifiedAccess
    let clock: Clock
    /// Interval of the keep-alive comment.
    var heartbeat: Duration = .seconds(15)
    /// Items a client may have waiting before it counts as too slow.
    var bufferLimit = 256

    /// The streaming response: posts after log position `position`.
    func response(after position: Int64) -> Response {
        var headers: HTTPFields = [:]
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            withExtendedLifetime(lease) {}  // the body holds the stream's place until it is gone
            let sink = ResponseBodySink(writer)
            // A graceful shutdown (SIGTERM) ends the stream: the server waits for open responses,
            // and an idle feed would otherwise hold it until the client left.
            let end = try await cancelWhenGracefulShutdown {
                try await stream(after: position) { try await sink.write($0) }
            }
            if end == .tooSlow {
                logger.info("live feed: dropped a client that fell too far behind", metadata: [
                    "community": "\(communityID.uuidString.lowercased())", "queue": "\(bufferLimit)",
                ])
                throw ClientTooSlow()
            }
            try await sink.writer.finish(nil)
        })
    }

    /// What the queue between the subscription and the client carries.
    private enum Item: Sendable {
        case post(position: Int64, CommunityPost)
        case heartbeat
    }

    /// Streams posts after `position` into `sink` (called from one task, one chunk at a time) until
    /// the log closes, the viewer loses access, the client falls behind, or `sink` throws (the
    /// client went away — rethrown).
    func stream(after position: Int64, into sink: @escaping @Sendable (ByteBuffer) async throws -> Void) async throws -> End {
        let (queue, continuation) = AsyncStream<Item>.makeStream(bufferingPolicy: .bufferingOldest(bufferLimit))
        return try await withThrowingTaskGroup(of: End?.self) { group in
            group.addTask {
                defer { continuation.finish() }
                return try await produce(after: position, into: continuation)
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: heartbeat)
                    if Task.isCancelled { break }
                    if case .dropped = continuation.yield(.heartbeat) { return .tooSlow }
                }
                return nil
            }
            group.addTask {
                // The token's end ends the stream even when the community is quiet.
                try? await Task.sleep(for: .seconds(max(0, viewer.expiresAt.timeIntervalSince(clock.now()))))
                return Task.isCancelled ? nil : .finished
            }
            group.addTask {
                try await sink(ByteBuffer(string: "retry: 3000\n: connected\n\n"))
                for await item in queue {
                    try await sink(ByteBuffer(string: Self.frame(item)))
                }
                return .finished
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            return .finished
        }
    }

    /// Follows the community's events after `position`, queueing its new posts; returns `.tooSlow`
    /// when a queue is full, `nil` when the feed ends or the viewer loses access.
    private func produce(after position: Int64, into queue: AsyncStream<Item>.Continuation) async throws -> End? {
        do {
            for try await item in feed.events(of: StreamName.community(communityID), after: position, bufferLimit: bufferLimit) {
                // The read model holds the post as lists show it (an erased author reads "[erased]")
                // and says whether the viewer may still read this community.
                _ = await readYourWrites.reach(item.position)
                guard clock.now() < viewer.expiresAt, let viewer = try? access.admit(viewer) else { return nil }
                guard case .postPublished(let published) = item.event else {
                    if case .notAMember = try communities.posts(in: communityID, viewer: viewer, page: PageRequest(limit: 1)) { return nil }
                    continue
                }
                switch try communities.post(id: published.postId, viewer: viewer) {
                case .granted(let post):
                    if case .dropped = queue.yield(.post(position: item.position, post)) { return .tooSlow }
                case .notFound:
                    continue  // removed before it was sent
                case .notAMember:
                    return nil
                }
            }
        } catch is EventFeedError {
            return .tooSlow
        }
        return nil
    }

    /// One SSE frame.
    private static func frame(_ item: Item) -> String {
        switch item {
        case .heartbeat:
            return ": heartbeat\n\n"
        case .post(let position, let post):
            let json = (try? JSONResponse.encoder.encode(post)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            return "id: \(position)\nevent: \(postEvent)\ndata: \(json)\n\n"
        }
    }
}
