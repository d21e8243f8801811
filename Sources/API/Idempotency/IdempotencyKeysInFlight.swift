import Synchronization

/// The idempotency keys (their streams) whose request runs on this node now. A key's claim in the
/// log with no recorded answer and no request here is an orphan: the request that claimed it ended
/// without recording its answer (its process stopped, or it ran on a primary that failed over).
/// A second request with a key that runs is the caller's own concurrency: 409, retry later.
final class IdempotencyKeysInFlight: Sendable {
    private let streams = Mutex<Set<String>>([])

    /// Marks `stream` running; `false` when a request with it already runs.
    func begin(_ stream: String) -> Bool {
        streams.withLock { $0.insert(stream).inserted }
    }

    /// The request with `stream` ended.
    func end(_ stream: String) {
        _ = streams.withLock { $0.remove(stream) }
    }
}
