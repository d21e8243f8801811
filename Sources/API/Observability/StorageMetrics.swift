import EventLog
import Foundation
import Metrics
import Synchronization

/// The disk under the log, sampled at scrape time: fsyncs and their total time (the latency every
/// durable append waits for), and the data directory's filesystem, so alerts fire before it fills.
enum StorageMetrics {
    /// The writer's totals at the previous scrape (counters only ever add the difference).
    private static let previous = Mutex(SyncStatistics(count: 0, nanoseconds: 0))

    static func record(_ log: EventLog) {
        let now = log.syncStatistics
        let delta = previous.withLock { last -> SyncStatistics in
            defer { last = now }
            // A log reopened in this process (tests) starts again from zero.
            guard now.count >= last.count, now.nanoseconds >= last.nanoseconds else { return now }
            return SyncStatistics(count: now.count - last.count, nanoseconds: now.nanoseconds - last.nanoseconds)
        }
        Counter(label: "protalent_log_fsync_total").increment(by: Int64(delta.count))
        FloatingPointCounter(label: "protalent_log_fsync_seconds_total").increment(by: Double(delta.nanoseconds) / 1e9)

        var stats = statvfs()
        if statvfs(log.directory, &stats) == 0 {
            let block = Double(stats.f_frsize)
            Gauge(label: "protalent_data_filesystem_size_bytes").record(Double(stats.f_blocks) * block)
            Gauge(label: "protalent_data_filesystem_free_bytes").record(Double(stats.f_bavail) * block)
        }
        Gauge(label: "protalent_log_bytes").record(log.statistics().bytesOnDisk)
    }
}
