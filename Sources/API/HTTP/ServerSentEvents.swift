import Domain
import EventSourcing
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// One client's stream of server-sent events, whatever feeds it (a community's posts, a person's
/// notifications): the headers, a `retry:` hint, a heartbeat comment while idle, the token's expiry,
/// a bounded queue, and the end when the server shuts down.
///
/// A producer fills the client's queue (`Queue.send`) and says when the stream ends: `nil` when
/// the viewer lost access or the source closed (a clean end), `.tooSlow` when a queue overflowed.
/// A slow client never slows anyone else: when its queue of `bufferLimit` items is full it has
/// fallen too far behind, the connection is dropped, and it resumes from its last id
/// (`Last-Event-ID`) when it reconnects.
struct ServerSentEvents: Sendable {
    /// The SSE resume header.
    static let lastEventID = HTTPField.Name("Last-Event-ID")!

    /// Why a stream ended.
    enum End: Sendable, Equatable {
        /// The source closed (server shutdown) or the viewer lost access: the stream ends cleanly.
        case finished
        /// The client's queue overflowed: the connection is dropped.
        case tooSlow
    }

    /// Thrown out of the response body to drop the connection of a client that fell behind.
    struct ClientTooSlow: Error {}

    /// One event for the client: `id:`, `event:` and one `data:` line (JSON has no raw newline).
    struct Event: Sendable {
        var id: String
        var name: String
        var data: String
    }

    /// What the queue between a producer and the client carries.
    enum Frame: Sendable {
        case event(Event)
        case heartbeat
    }

    /// The client's queue, as its producer sees it.
    struct Queue: Sendable {
        let continuation: AsyncStream<Frame>.Continuation

        /// Queues `event`; `false` when the queue is full (the client fell behind).
        func send(_ event: Event) -> Bool {
            if case .dropped = continuation.yield(.event(event)) { return false }
            return true
        }
    }

    /// Who opened the stream: the token's account, generation and expiry. The stream ends at the
    /// token's expiry even when nothing happens; producers check access again on every item.
    let viewer: TokenService.VerifiedAccess
    let clock: Clock
    /// This stream's place in its account's allowance, given up with the response.
    let lease: LiveStreamLimit.Lease
    let logger: Logger
    /// What the stream follows, for the log line of a dropped client.
    let metadata: Logger.Metadata
    /// Interval of the keep-alive comment.
    var heartbeat: Duration = .seconds(15)
    /// Items a client may have waiting before it counts as too slow.
    var bufferLimit = 256

    /// The streaming response of what `produce` queues.
    func response(_ produce: @escaping @Sendable (Queue) async throws -> End?) -> Response {
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
                try await stream(into: { try await sink.write($0) }, produce)
            }
            if end == .tooSlow {
                logger.info("live feed: dropped a client that fell too far behind", metadata: metadata.merging(["queue": "\(bufferLimit)"]) { a, _ in a })
                throw ClientTooSlow()
            }
            try await sink.writer.finish(nil)
        })
    }

    /// Streams what `produce` queues into `sink` (called from one task, one chunk at a time) until
    /// the producer ends, the token expires, the client falls behind, or `sink` throws (the client
    /// went away — rethrown).
    func stream(
        into sink: @escaping @Sendable (ByteBuffer) async throws -> Void, _ produce: @escaping @Sendable (Queue) async throws -> End?
    ) async throws -> End {
        let (queue, continuation) = AsyncStream<Frame>.makeStream(bufferingPolicy: .bufferingOldest(bufferLimit))
        return try await withThrowingTaskGroup(of: End?.self) { group in
            group.addTask {
                defer { continuation.finish() }
                return try await produce(Queue(continuation: continuation))
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
                // The token's end ends the stream even when nothing happens.
                try? await Task.sleep(for: .seconds(max(0, viewer.expiresAt.timeIntervalSince(clock.now()))))
                return Task.isCancelled ? nil : .finished
            }
            group.addTask {
                try await sink(ByteBuffer(string: "retry: 3000\n: connected\n\n"))
                for await frame in queue {
                    try await sink(ByteBuffer(string: Self.text(of: frame)))
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

    /// A frame as the client reads it.
    private static func text(of frame: Frame) -> String {
        switch frame {
        case .heartbeat: ": heartbeat\n\n"
        case .event(let event): "id: \(event.id)\nevent: \(event.name)\ndata: \(event.data)\n\n"
        }
    }

    /// The request's `Last-Event-ID` (`nil` when absent); 400 when it is not a non-negative integer,
    /// saying what the id is (`what`: "a log position", "a notification id").
    static func resumeID(of request: Request, what: String) throws(APIError) -> Int64? {
        guard let text = request.headers[lastEventID] else { return nil }
        guard let id = Int64(text.trimmingCharacters(in: .whitespaces)), id >= 0 else {
            throw .badRequest("Last-Event-ID must be \(what) (a non-negative integer)", field: "Last-Event-ID")
        }
        return id
    }

    /// The caller's access as its token states it (account, role, generation, expiry), for a stream
    /// that checks it again on every item.
    static func viewer(of user: (id: UUID, role: Role), in context: AppRequestContext) -> TokenService.VerifiedAccess {
        TokenService.VerifiedAccess(
            principal: .user(user.id, user.role), tokenID: context.tokenID ?? "", generation: context.accessGeneration ?? 0,
            expiresAt: context.accessExpiresAt ?? .distantFuture
        )
    }

    /// `value` as one line of JSON for `data:`.
    static func json(_ value: some Encodable) -> String {
        (try? JSONResponse.encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
