import Synchronization

/// Wakes the tasks waiting for some state to change, instead of having them poll it.
///
/// The owner calls `signal()` after each change; a waiter re-reads the state when woken. Each
/// waiter has a stream of its own holding at most one pending wake-up, so a burst of changes wakes
/// it once and a change between its check and its wait is never missed.
final class ChangeSignal: Sendable {
    private let waiters = Mutex<(next: Int, streams: [Int: AsyncStream<Void>.Continuation])>((0, [:]))

    /// Wakes every waiter.
    func signal() {
        let streams = waiters.withLock { $0.streams.isEmpty ? [] : Array($0.streams.values) }
        for stream in streams { stream.yield() }
    }

    /// A stream that yields at once, then after any change signalled by one of `signals` (several
    /// changes before the consumer asks again yield once). It stops when the consumer's task is
    /// cancelled.
    static func changes(of signals: [ChangeSignal]) -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let ids = signals.map { signal in
            signal.waiters.withLock { waiters in
                waiters.next += 1
                waiters.streams[waiters.next] = continuation
                return waiters.next
            }
        }
        continuation.onTermination = { _ in
            for (signal, id) in zip(signals, ids) { _ = signal.waiters.withLock { $0.streams.removeValue(forKey: id) } }
        }
        continuation.yield()
        return stream
    }

    /// Returns once `condition` holds, checking it now and after each change of `signals`.
    ///
    /// - Throws: `CancellationError` when the task is cancelled first.
    static func wait(for signals: [ChangeSignal], until condition: () -> Bool) async throws {
        for await _ in changes(of: signals) where condition() { return }
        throw CancellationError()
    }

    /// Waits until `condition` holds, checking it now and after each change of `signals`, for up to
    /// `timeout`; returns whether it held.
    static func wait(
        for signals: [ChangeSignal], timeout: Duration, until condition: @escaping @Sendable () -> Bool
    ) async -> Bool {
        let changes = changes(of: signals)
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in changes where condition() { return true }
                return false
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let held = await group.next() ?? false
            group.cancelAll()
            return held || condition()
        }
    }
}
