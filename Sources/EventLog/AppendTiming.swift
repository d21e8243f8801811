#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// When the writer handled an append, in wall-clock nanoseconds since 1970 (the time base of trace
/// spans): the `log.append` span shows its group commit's wait and its fsync as events.
///
/// The append waited from its call until `taken` (the writer was busy with the group commit before),
/// was written into its batch until `syncStarted`, and was durable at `syncFinished`. Every append of
/// a round shares the round's times.
public struct AppendTiming: Sendable, Hashable {
    /// The writer took the append from its queue.
    public var taken: UInt64
    /// The fsync of the append's batch began.
    public var syncStarted: UInt64
    /// That fsync returned: the append was durable.
    public var syncFinished: UInt64

    /// Times of one round of the writer.
    public init(taken: UInt64, syncStarted: UInt64, syncFinished: UInt64) {
        self.taken = taken
        self.syncStarted = syncStarted
        self.syncFinished = syncFinished
    }

    /// The wall clock now, in nanoseconds since 1970 (one vDSO call, no allocation).
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
