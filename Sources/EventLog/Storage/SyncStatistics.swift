import Synchronization

/// How many fsyncs the log's writer made and how long they took in all, for `/metrics`
/// (`protalent_log_fsync_total`, `protalent_log_fsync_seconds_total`): the disk's latency is what a
/// durable append waits for, so an operator alerts on it.
public struct SyncStatistics: Sendable, Equatable {
    /// fsyncs made since the log was opened.
    public var count: UInt64
    /// Their total duration in nanoseconds.
    public var nanoseconds: UInt64

    /// Totals of `count` fsyncs lasting `nanoseconds` in all.
    public init(count: UInt64, nanoseconds: UInt64) {
        self.count = count
        self.nanoseconds = nanoseconds
    }
}

/// The writer's running totals, read by any thread.
final class SyncCounters: Sendable {
    private let count = Atomic<UInt64>(0)
    private let nanoseconds = Atomic<UInt64>(0)

    /// Runs `sync`, adds its duration to the totals and returns it (nanoseconds).
    @discardableResult
    func measure(_ sync: () throws(LogError) -> Void) throws(LogError) -> UInt64 {
        let start = ContinuousClock.now
        try sync()
        let elapsed = (ContinuousClock.now - start).components
        let nanos = UInt64(elapsed.seconds) * 1_000_000_000 + UInt64(elapsed.attoseconds / 1_000_000_000)
        count.add(1, ordering: .relaxed)
        nanoseconds.add(nanos, ordering: .relaxed)
        return nanos
    }

    var snapshot: SyncStatistics {
        SyncStatistics(count: count.load(ordering: .relaxed), nanoseconds: nanoseconds.load(ordering: .relaxed))
    }
}
