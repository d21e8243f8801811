import EventLog
import Cryptography
import Foundation

/// Appends a realistic workload to the event log with concurrent writers at full durability.
struct LogBenchmark {
    var events: Int
    var writers: Int
    var batch: Int
    var durability: EventLogOptions.Durability
    var compressionLevel: Int?
    var ackFile: String?

    struct Outcome {
        var figures: BenchFigures
        var compressionRatio: Double
    }

    func run(directory: String, pool: [(type: String, payload: [UInt8])], progress: Bool) async throws -> Outcome {
        var options = EventLogOptions()
        options.durability = durability
        options.compressionLevel = compressionLevel
        let log = try EventLog.open(directory: directory, options: options)
        defer { log.close() }
        let before = log.statistics()
        let run = UUID().uuidString.prefix(8).lowercased()
        let appends = max(1, events / batch)
        let counter = SharedCounter()
        let ack = try ackFile.map { try AckFile(path: $0) }
        let payloadBytes = SharedCounter()
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
                        var proposed: [ProposedEvent] = []
                        for i in 0..<batch {
                            let template = pool[(index * batch + i) % pool.count]
                            proposed.append(ProposedEvent(type: template.type, metadata: EventMetadata(correlationId: SecureRandom.uuid(), actor: "bench"), payload: template.payload))
                            bytes += template.payload.count
                        }
                        let start = ContinuousClock.now
                        _ = try await log.append(to: "bench-\(run)-w\(writer)-\(slot)", expectedVersion: .exactly(versions[slot]), events: proposed)
                        let elapsed = ContinuousClock.now - start
                        versions[slot] += Int64(batch)
                        latencies.append(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
                        try ack?.record(proposed.map(\.eventId))
                        if progress, writer == 0, index % 256 == 0 {
                            printProgress("log: \(index * batch)/\(events) events")
                        }
                    }
                    _ = payloadBytes.add(bytes)
                    return latencies
                }
            }
            return try await group.reduce(into: [Int64]()) { $0 += $1 }
        }
        let seconds = (ContinuousClock.now - started).seconds
        let after = log.statistics()
        let written = Int(after.events - before.events)
        let figures = BenchFigures(
            events: written, payloadBytes: payloadBytes.current, seconds: seconds,
            latenciesNanos: latencies, storedBytes: after.storedBytes - before.storedBytes
        )
        let ratio = Double(after.rawBytes - before.rawBytes) / Double(max(1, after.storedBytes - before.storedBytes))
        return Outcome(figures: figures, compressionRatio: ratio)
    }
}

/// Records acknowledged event ids, one per line, written straight to the file so that a harness
/// can kill the process at any moment and still read every id acknowledged before the kill.
final class AckFile: Sendable {
    private let fd: Int32

    init(path: String) throws {
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BenchError("cannot open ack file \(path): \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    func record(_ ids: [UUID]) throws {
        let text = ids.map { $0.uuidString.lowercased() + "\n" }.joined()
        let written = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
        guard written == text.utf8.count else { throw BenchError("short write to the ack file") }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func printProgress(_ line: String) {
    guard isatty(STDERR_FILENO) == 1 else { return }
    FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
