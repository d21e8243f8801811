/// Throughput and latency of one benchmark phase.
struct BenchFigures: Codable {
    var events: Int
    var seconds: Double
    var eventsPerSecond: Double
    var megabytesPerSecond: Double
    var p50Micros: Double
    var p99Micros: Double
    var bytesPerEvent: Double

    /// Computes the figures from per-append latencies (nanoseconds).
    init(events: Int, payloadBytes: Int, seconds: Double, latenciesNanos: [Int64], storedBytes: Int) {
        self.events = events
        self.seconds = seconds
        eventsPerSecond = seconds > 0 ? Double(events) / seconds : 0
        megabytesPerSecond = seconds > 0 ? Double(payloadBytes) / seconds / 1_000_000 : 0
        let sorted = latenciesNanos.sorted()
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1_000
        }
        p50Micros = percentile(0.50)
        p99Micros = percentile(0.99)
        bytesPerEvent = events > 0 ? Double(storedBytes) / Double(events) : 0
    }

    func line(_ name: String) -> String {
        "\(name): \(formatted(eventsPerSecond, digits: 0)) events/s, \(formatted(megabytesPerSecond, digits: 1)) MB/s of payload, "
            + "append p50 \(formatted(p50Micros, digits: 0)) µs, p99 \(formatted(p99Micros, digits: 0)) µs, "
            + "\(formatted(bytesPerEvent, digits: 1)) bytes/event on disk (\(events) events in \(formatted(seconds, digits: 2)) s)"
    }
}

import Synchronization

/// An atomic counter tasks can share (an `Atomic` cannot be captured by escaping closures).
final class SharedCounter: Sendable {
    private let value = Atomic<Int>(0)

    /// Adds `amount` and returns the value before.
    func add(_ amount: Int) -> Int { value.add(amount, ordering: .relaxed).oldValue }

    var current: Int { value.load(ordering: .relaxed) }
}
