public import EventLog
import Foundation

/// Builders for log tests.
public enum LogFixtures {
    /// A small JSON-ish event with a recognisable payload.
    public static func event(_ label: String, type: String = "test.happened", actor: String? = "tester") -> ProposedEvent {
        ProposedEvent(
            eventId: UUID(), type: type,
            metadata: EventMetadata(correlationId: UUID(), causationId: nil, actor: actor),
            payload: Array("{\"label\":\"\(label)\",\"text\":\"Bourse d'excellence pour étudiants de Dakar\"}".utf8)
        )
    }

    /// Options with a deterministic clock and the given segment size.
    public static func options(segmentSize: Int = 64 << 20, batchBytes: Int = 256 << 10) -> EventLogOptions {
        var options = EventLogOptions()
        options.segmentSize = segmentSize
        options.targetBatchBytes = batchBytes
        options.clock = { 1_790_000_000_000_000 }
        return options
    }

    /// The segment files of a log directory, sorted.
    public static func segmentFiles(in directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".seg") }.sorted().map { directory + "/" + $0 }
    }
}
