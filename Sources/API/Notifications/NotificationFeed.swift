import Foundation
import Projections
public import ReadModels
public import ServiceLifecycle
import Synchronization

/// New notifications, fanned out to the live clients of their recipients from one reader of the
/// notifications read model.
///
/// `run()` wakes when the model's checkpoint moves (the projection runner's change signal, no
/// polling), reads what the batch added for every recipient in one query, and hands each client its
/// own. `items(of:after:)` gives a client its notifications after an id: first those it missed,
/// read from the model, then the live ones, with neither a gap nor a repeat (it registers before
/// it reads, and skips what it already had). A client whose bounded queue fills is ended with
/// ``NotificationFeed/TooSlow``.
public final class NotificationFeed: Service {
    /// A client that fell `bufferLimit` notifications behind.
    struct TooSlow: Error {}

    private struct State {
        var subscribers: [String: [Int: AsyncThrowingStream<NotificationRecord, any Error>.Continuation]] = [:]
        var nextID = 0
    }

    let queries: NotificationQueries
    private let state = Mutex(State())

    /// A feed over `queries`' read model.
    public init(queries: NotificationQueries) {
        self.queries = queries
    }

    /// Follows the model until the service stops, then ends every client.
    public func run() async throws {
        defer {
            let all = state.withLock { state in
                defer { state.subscribers = [:] }
                return state.subscribers.values.flatMap(\.values)
            }
            for subscriber in all { subscriber.finish() }
        }
        await cancelWhenGracefulShutdown { [self] in
            var last = queries.runner.status.checkpoint
            while !Task.isCancelled {
                let seen = last
                _ = await queries.runner.waitUntil(timeout: .seconds(3_600)) { $0.checkpoint != seen }
                let now = queries.runner.status.checkpoint
                guard now > last else {
                    last = now  // a rebuilt model swapped in: its clients resume by id
                    continue
                }
                let added = (try? queries.added(after: last, upTo: now)) ?? []
                last = now
                dispatch(added)
            }
        }
    }

    /// How many clients follow `recipient` now.
    func subscriberCount(of recipient: String) -> Int {
        state.withLock { $0.subscribers[recipient]?.count ?? 0 }
    }

    private func dispatch(_ records: [NotificationRecord]) {
        guard !records.isEmpty else { return }
        var byRecipient: [String: [NotificationRecord]] = [:]
        for record in records { byRecipient[record.recipientId, default: []].append(record) }
        for (recipient, records) in byRecipient {
            let watchers = state.withLock { $0.subscribers[recipient] } ?? [:]
            for (id, watcher) in watchers {
                for record in records {
                    if case .dropped = watcher.yield(record) {
                        watcher.finish(throwing: TooSlow())
                        remove(id, of: recipient)
                        break
                    }
                }
            }
        }
    }

    /// `recipient`'s notifications with an id above `id`, oldest first, as they come, until the
    /// client stops, falls behind or the feed stops.
    func items(of recipient: String, after id: Int64, bufferLimit: Int) -> AsyncThrowingStream<NotificationRecord, any Error> {
        let (live, continuation) = AsyncThrowingStream.makeStream(of: NotificationRecord.self, bufferingPolicy: .bufferingOldest(max(1, bufferLimit)))
        // Registered before the history is read: whatever the history misses, the live queue has.
        let key = state.withLock { state in
            defer { state.nextID += 1 }
            state.subscribers[recipient, default: [:]][state.nextID] = continuation
            return state.nextID
        }
        continuation.onTermination = { [weak self] _ in self?.remove(key, of: recipient) }
        let queries = self.queries
        return AsyncThrowingStream { output in
            let task = Task {
                do {
                    var last = id
                    guard let user = UUID(uuidString: recipient) else { throw TooSlow() }
                    while true {
                        let missed = try queries.after(last, of: user, limit: 500)
                        guard !missed.isEmpty else { break }
                        for record in missed { output.yield(record) }
                        last = missed[missed.count - 1].id
                    }
                    for try await record in live where record.id > last {
                        last = record.id
                        output.yield(record)
                    }
                    output.finish()
                } catch {
                    output.finish(throwing: error)
                }
            }
            output.onTermination = { _ in
                task.cancel()
                continuation.finish()
            }
        }
    }

    private func remove(_ id: Int, of recipient: String) {
        state.withLock { state in
            state.subscribers[recipient]?[id] = nil
            if state.subscribers[recipient]?.isEmpty == true { state.subscribers[recipient] = nil }
        }
    }
}
