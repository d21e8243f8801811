import EventLog
import Metrics

/// Metrics of the command side: how long a command took to load, decide and append (fsync
/// included), and how many events it appended.
enum CommandMetrics {
    static let duration = Metrics.Timer(label: "protalent_command_append_duration", preferredDisplayUnit: .seconds)
    static let events = Counter(label: "protalent_events_appended_total")

    static func record(_ append: AppendResult?, since start: ContinuousClock.Instant) {
        guard let append else { return }
        duration.recordNanoseconds(Int64((ContinuousClock.now - start) / .nanoseconds(1)))
        events.increment(by: Int(append.lastPosition - append.firstPosition + 1))
    }
}
