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
    /// The log's LZ4 dictionary (codec 2); `nil` compresses each batch on its own (codec 1).
    var dictionary: LogDictionary? = nil
    /// `EventLogOptions.gatherRounds`.
    var gatherRounds = true

    struct Outcome {
        var figures: BenchFigures
        var compressionRatio: Double
        /// The writer's fdatasyncs during the run: events per fsync is the group-commit round's size,
        /// and their mean duration bounds the rounds per second.
        var syncs: SyncStatistics
    }

    func run(directory: String, pool: [(type: String, payload: [UInt8])], progress: Bool) async throws -> Outcome {
        var options = EventLogOptions()
        options.durability = durability
        options.compressionLevel = compressionLevel
        options.dictionary = dictionary
        options.gatherRounds = gatherRounds
        let log = try EventLog.open(directory: directory, options: options)
        defer { log.close() }
        let before = log.statistics()
        let syncsBefore = log.syncStatistics
        let ack = try ackFile.map { try AckFile(path: $0) }
        let loop = try await AppendLoop(label: "log", events: events, writers: writers, batch: batch, progress: progress).run(pool: pool) { append in
            let proposed = append.rows.map {
                ProposedEvent(type: $0.type, metadata: EventMetadata(correlationId: SecureRandom.uuid(), actor: "bench"), payload: $0.payload)
            }
            _ = try await log.append(to: append.stream, expectedVersion: .exactly(append.expectedVersion), events: proposed)
            try ack?.record(proposed.map(\.eventId))
        }
        let after = log.statistics()
        let syncsAfter = log.syncStatistics
        let syncs = SyncStatistics(count: syncsAfter.count - syncsBefore.count, nanoseconds: syncsAfter.nanoseconds - syncsBefore.nanoseconds)
        let written = Int(after.events - before.events)
        let figures = BenchFigures(
            events: written, payloadBytes: loop.payloadBytes, seconds: loop.seconds,
            latenciesNanos: loop.latenciesNanos, storedBytes: after.storedBytes - before.storedBytes
        )
        let ratio = Double(after.rawBytes - before.rawBytes) / Double(max(1, after.storedBytes - before.storedBytes))
        return Outcome(figures: figures, compressionRatio: ratio, syncs: syncs)
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

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
