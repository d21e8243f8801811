/// A live, gapless feed of events from a position on (see `EventLog.subscribe(from:)`).
///
/// It reads what is stored in chunks and, at the head, waits for the writer to publish more; since
/// it always asks for "the next position", it can neither skip nor repeat an event.
public struct LogSubscription: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent
    public typealias Failure = LogError

    let core: LogCore
    let start: Int64

    public func makeAsyncIterator() -> Iterator {
        Iterator(core: core, next: start)
    }

    /// Iterates the subscription.
    public struct Iterator: AsyncIteratorProtocol {
        let core: LogCore
        var next: Int64
        var buffer: [RecordedEvent] = []
        var cursor = 0

        init(core: LogCore, next: Int64) {
            self.core = core
            self.next = next
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(LogError) -> RecordedEvent? {
            while cursor == buffer.count {
                if Task.isCancelled { return nil }
                buffer = try core.read(from: next, maxCount: 512)
                cursor = 0
                if buffer.isEmpty {
                    if core.isClosed { return nil }
                    await core.waitUntilStored(next)
                }
            }
            let event = buffer[cursor]
            cursor += 1
            next = event.position + 1
            return event
        }

        public mutating func next() async throws(LogError) -> RecordedEvent? {
            try await next(isolation: nil)
        }
    }
}
