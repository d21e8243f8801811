import Foundation

/// The closed-loop workload both the log and the SQLite baseline run: `writers` tasks take the next
/// append from a shared counter until `events / batch` appends are done; each writer appends to its
/// own 32 streams with exact expected versions. Only the store call is timed.
struct AppendLoop {
    /// One append to perform.
    struct Append {
        var writer: Int
        var stream: String
        /// The stream's version before this append (the exact expected version).
        var expectedVersion: Int64
        var rows: [(type: String, payload: [UInt8])]
    }

    /// What the loop measured.
    struct Result {
        var latenciesNanos: [Int64]
        var payloadBytes: Int
        var seconds: Double
    }

    var label: String
    var events: Int
    var writers: Int
    var batch: Int
    var progress: Bool

    func run(
        pool: [(type: String, payload: [UInt8])], _ append: @escaping @Sendable (Append) async throws -> Void
    ) async throws -> Result {
        let run = UUID().uuidString.prefix(8).lowercased()
        let appends = max(1, events / batch)
        let counter = SharedCounter()
        let payloadBytes = SharedCounter()
        let (label, batch, events, progress) = (self.label, self.batch, self.events, self.progress)
        let started = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var latencies: [Int64] = []
                    var versions = [Int64](repeating: 0, count: 32)
                    var bytes = 0
                    while true {
                        let index = counter.add(1)
                        guard index < appends else { break }
                        let slot = index % versions.count
                        let rows = (0..<batch).map { pool[(index * batch + $0) % pool.count] }
                        bytes += rows.reduce(0) { $0 + $1.payload.count }
                        let start = ContinuousClock.now
                        try await append(Append(writer: writer, stream: "bench-\(run)-w\(writer)-\(slot)", expectedVersion: versions[slot], rows: rows))
                        let elapsed = ContinuousClock.now - start
                        versions[slot] += Int64(batch)
                        latencies.append(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
                        if progress, writer == 0, index % 256 == 0 { Progress.draw("\(label): \(index * batch)/\(events) events") }
                    }
                    _ = payloadBytes.add(bytes)
                    return latencies
                }
            }
            return try await group.reduce(into: [Int64]()) { $0 += $1 }
        }
        return Result(latenciesNanos: latencies, payloadBytes: payloadBytes.current, seconds: (ContinuousClock.now - started).seconds)
    }
}
