import Domain
import EventSourcing
import Foundation
import Hummingbird
import Logging
import NIOCore
import ReadModels

/// `GET /communities/{id}/live`: a community's new posts as server-sent events, from the shared
/// typed feed of the `Communities` context (`EventFeed`: one log subscription for every client),
/// streamed by ``ServerSentEvents`` (heartbeats, bounded queue, token expiry, shutdown).
///
/// Each post is one `event: post` whose `id:` is its log position and whose `data:` is the post as
/// `GET /communities/{id}/posts` lists it; a client that reconnects with `Last-Event-ID` resumes
/// after that position. The feed gives each client a bounded queue too; when it is full the client
/// is dropped like one whose own queue overflowed. Access is checked again on every event of the
/// community (a member who leaves or is banned stops receiving).
struct CommunityLiveFeed: Sendable {
    /// The SSE resume header.
    static let lastEventID = ServerSentEvents.lastEventID
    /// The `event:` name of a new post.
    static let postEvent = "post"

    /// Why a feed ended.
    typealias End = ServerSentEvents.End

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

    /// The stream's machinery, with this feed's settings.
    private var events: ServerSentEvents {
        var events = ServerSentEvents(
            viewer: viewer, clock: clock, lease: lease, logger: logger, metadata: ["community": "\(communityID.uuidString.lowercased())"]
        )
        events.heartbeat = heartbeat
        events.bufferLimit = bufferLimit
        return events
    }

    /// The streaming response: posts after log position `position`.
    func response(after position: Int64) -> Response {
        events.response { queue in try await produce(after: position, into: queue) }
    }

    /// Streams posts after `position` into `sink` (called from one task, one chunk at a time) until
    /// the log closes, the viewer loses access, the client falls behind, or `sink` throws (the
    /// client went away — rethrown).
    func stream(after position: Int64, into sink: @escaping @Sendable (ByteBuffer) async throws -> Void) async throws -> End {
        try await events.stream(into: sink) { queue in try await produce(after: position, into: queue) }
    }

    /// Follows the community's events after `position`, queueing its new posts; returns `.tooSlow`
    /// when a queue is full, `nil` when the feed ends or the viewer loses access.
    private func produce(after position: Int64, into queue: ServerSentEvents.Queue) async throws -> End? {
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
                    let event = ServerSentEvents.Event(id: String(item.position), name: Self.postEvent, data: ServerSentEvents.json(post))
                    if !queue.send(event) { return .tooSlow }
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
}
