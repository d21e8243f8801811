import Domain
import EventSourcing
import Foundation
import Hummingbird
import Logging
import NIOCore
import ReadModels

/// `GET /notifications/live`: a person's new notifications as server-sent events, one
/// `event: notification` per item whose `id:` is the notification's id and whose `data:` is the
/// notification as `GET /notifications` lists it. `Last-Event-ID` resumes after that id.
///
/// Built on ``ServerSentEvents`` (heartbeats, bounded queue, token expiry, shutdown) like the
/// community feed, fed by the shared ``NotificationFeed``. The account is checked again on every
/// notification: an erasure, a password reset or the token's expiry ends the stream.
struct NotificationLiveFeed: Sendable {
    /// The `event:` name of a notification.
    static let eventName = "notification"

    let feed: NotificationFeed
    let queries: NotificationQueries
    let access: AccountAccess
    let user: UUID
    var events: ServerSentEvents

    /// The streaming response: notifications with an id above `id`.
    func response(after id: Int64) -> Response {
        events.response { queue in try await produce(after: id, into: queue) }
    }

    /// Streams into `sink` (tests read it as it is written).
    func stream(after id: Int64, into sink: @escaping @Sendable (ByteBuffer) async throws -> Void) async throws -> ServerSentEvents.End {
        try await events.stream(into: sink) { queue in try await produce(after: id, into: queue) }
    }

    private func produce(after id: Int64, into queue: ServerSentEvents.Queue) async throws -> ServerSentEvents.End? {
        let viewer = events.viewer
        do {
            for try await record in feed.items(of: user.uuidString.lowercased(), after: id, bufferLimit: events.bufferLimit) {
                guard events.clock.now() < viewer.expiresAt, (try? access.admit(viewer)) != nil else { return nil }
                let language = NotificationText.Language(try? queries.language(of: user))
                let view = NotificationView(record, language: language)
                if !queue.send(ServerSentEvents.Event(id: view.id, name: Self.eventName, data: ServerSentEvents.json(view))) { return .tooSlow }
            }
        } catch is NotificationFeed.TooSlow {
            return .tooSlow
        }
        return nil
    }
}

/// What every notification stream shares; the controller makes one ``NotificationLiveFeed`` per client.
struct NotificationLiveFeeds: Sendable {
    let feed: NotificationFeed
    let access: AccountAccess
    let clock: Clock
    let logger: Logger
    /// Open streams per account (shared with the community feeds).
    let limit: LiveStreamLimit

    /// The feed of the holder of `viewer`'s token; 429 when the account already holds
    /// `limit.perAccount` streams.
    func feed(viewer: TokenService.VerifiedAccess, queries: NotificationQueries) throws(APIError) -> NotificationLiveFeed {
        guard case .user(let account, _) = viewer.principal else { throw .unauthenticated("sign in to follow your notifications") }
        let events = ServerSentEvents(
            viewer: viewer, clock: clock, lease: try limit.lease(for: account), logger: logger, metadata: ["feed": "notifications"]
        )
        return NotificationLiveFeed(feed: feed, queries: queries, access: access, user: account, events: events)
    }
}
