public import EventLog
import Synchronization

/// Live, typed events of one bounded context, fanned out from a single log subscription to every
/// subscriber of a stream.
///
/// `run()` follows the log once for the whole process; a record is decoded (by the store's codec,
/// upcasters and personal data included) only when some subscriber watches its stream, and then
/// once for all of them. `events(of:after:)` gives a subscriber its stream's events after a
/// position: first the history it missed, read by stream, then the live ones, with neither a gap
/// nor a repeat. Each subscriber has a bounded queue; one that falls `bufferLimit` events behind is
/// ended with ``EventFeedError/tooSlow`` instead of slowing the feed or growing its memory.
public final class EventFeed<Event: DomainEvent>: Sendable {
    /// One event of a watched stream.
    public struct Item: Sendable {
        /// Its global log position.
        public var position: Int64
        /// Its stream.
        public var stream: String
        /// The decoded event.
        public var event: Event
        /// Who issued it, and why.
        public var metadata: EventMetadata
    }

    private struct Subscriber {
        var continuation: AsyncThrowingStream<Item, any Error>.Continuation
    }

    private struct State {
        var subscribers: [String: [Int: Subscriber]] = [:]
        var nextID = 0
    }

    let store: EventStore
    /// Where `run()` starts: the log's head when the feed was made, plus one, so no event between
    /// the feed's creation and its first read escapes it.
    private let start: Int64
    private let state = Mutex(State())

    /// A feed of `Event`s from `store`'s log.
    public init(store: EventStore) {
        self.store = store
        self.start = store.log.head + 1
    }

    /// How many subscribers watch `stream` now.
    public func subscriberCount(of stream: String) -> Int {
        state.withLock { $0.subscribers[stream]?.count ?? 0 }
    }

    /// Follows the log until the task is cancelled or the log closes, then ends every subscriber.
    public func run() async throws {
        defer {
            let all = state.withLock { state in
                defer { state.subscribers = [:] }
                return state.subscribers.values.flatMap(\.values)
            }
            for subscriber in all { subscriber.continuation.finish() }
        }
        for try await record in store.log.subscribe(from: start) {
            let watchers = state.withLock { $0.subscribers[record.stream] }
            guard let watchers, !watchers.isEmpty else { continue }
            let item: Item
            do {
                item = try decode(record)
            } catch {
                for (id, watcher) in watchers {
                    watcher.continuation.finish(throwing: error)
                    remove(id, of: record.stream)
                }
                continue
            }
            for (id, watcher) in watchers {
                if case .dropped = watcher.continuation.yield(item) {
                    watcher.continuation.finish(throwing: EventFeedError.tooSlow(stream: record.stream, position: record.position))
                    remove(id, of: record.stream)
                }
            }
        }
    }

    /// The events of `stream` after log position `position`, as they come, until the subscriber
    /// stops iterating, falls behind (``EventFeedError/tooSlow``) or the feed stops.
    public func events(of stream: String, after position: Int64, bufferLimit: Int = 256) -> Subscription {
        let (live, continuation) = AsyncThrowingStream.makeStream(of: Item.self, bufferingPolicy: .bufferingOldest(max(1, bufferLimit)))
        // Registered before the history is read: whatever the history misses, the live queue has.
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            state.subscribers[stream, default: [:]][state.nextID] = Subscriber(continuation: continuation)
            return state.nextID
        }
        continuation.onTermination = { [weak self] _ in self?.remove(id, of: stream) }
        return Subscription(feed: self, stream: stream, after: position, live: live)
    }

    /// A subscriber's events: the history after its position, then the live ones.
    public struct Subscription: AsyncSequence, Sendable {
        let feed: EventFeed
        let stream: String
        let after: Int64
        let live: AsyncThrowingStream<Item, any Error>

        public func makeAsyncIterator() -> Iterator {
            Iterator(feed: feed, stream: stream, last: after, live: live.makeAsyncIterator())
        }

        /// Reads the history on the first call, then the live queue, skipping what the history had.
        public struct Iterator: AsyncIteratorProtocol {
            let feed: EventFeed
            let stream: String
            var last: Int64
            var live: AsyncThrowingStream<Item, any Error>.AsyncIterator
            var history: [Item]?

            public mutating func next() async throws -> Item? {
                if history == nil { history = try feed.history(of: stream, after: last).reversed() }
                if let item = history?.popLast() {
                    last = item.position
                    return item
                }
                while let item = try await live.next() {
                    if item.position > last {
                        last = item.position
                        return item
                    }
                }
                return nil
            }
        }
    }

    /// `stream`'s recorded events after `position`, read by stream (not a scan of the log).
    private func history(of stream: String, after position: Int64) throws -> [Item] {
        let positions = store.log.positions(ofStream: stream)
        var low = 0
        var high = positions.count
        while low < high {
            let middle = (low + high) / 2
            if positions[middle] <= position { low = middle + 1 } else { high = middle }
        }
        guard low < positions.count else { return [] }
        return try store.log.readStream(stream, from: Int64(low + 1)).map(decode)
    }

    private func decode(_ record: RecordedEvent) throws -> Item {
        Item(position: record.position, stream: record.stream, event: try store.codec.decode(Event.self, from: record), metadata: record.metadata)
    }

    private func remove(_ id: Int, of stream: String) {
        state.withLock { state in
            state.subscribers[stream]?[id] = nil
            if state.subscribers[stream]?.isEmpty == true { state.subscribers[stream] = nil }
        }
    }
}

/// Why an `EventFeed` ended a subscriber.
public enum EventFeedError: Error, Sendable, Equatable {
    /// The subscriber's queue filled up: it read too slowly. It may subscribe again from its last position.
    case tooSlow(stream: String, position: Int64)
}
