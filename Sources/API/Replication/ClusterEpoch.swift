public import EventLog
import Foundation

/// The start of a primary's term, recorded in the log itself (stream `$cluster`, type
/// `cluster.epoch-started`): it replicates byte for byte, so every node that holds it knows which
/// node writes at that epoch and where clients reach it. A node's epoch is the last one its log
/// holds (0 when none). Projections have no rule for the type and skip it (the audit lists it).
public struct ClusterEpoch: Codable, Sendable, Equatable {
    /// The stream holding the epochs, one event each.
    public static let stream = "$cluster"
    /// The event type.
    public static let eventType = "cluster.epoch-started"

    /// The epoch, 1 for the first promotion.
    public var epoch: Int64
    /// The node id (`<data>/node.id`) of the primary of this epoch.
    public var node: String
    /// The primary's `--advertise-url`, when it has one.
    public var url: String?
    /// The log's head when the epoch started: everything after it was written by this primary.
    public var previousHead: Int64

    /// An epoch.
    public init(epoch: Int64, node: String, url: String?, previousHead: Int64) {
        self.epoch = epoch
        self.node = node
        self.url = url
        self.previousHead = previousHead
    }

    /// The last epoch `log` holds; `nil` when none (epoch 0, the first primary's).
    public static func current(in log: EventLog) -> ClusterEpoch? {
        let version = log.version(of: stream)
        guard version > 0, let event = try? log.readStream(stream, from: version, maxCount: 1).first else { return nil }
        return try? JSONDecoder().decode(ClusterEpoch.self, from: Data(event.payload))
    }

    /// Appends the next epoch to `log` (a writer's), naming `node` at `url`: the promotion itself.
    /// Refused (a version conflict) when another epoch was appended meanwhile.
    public static func start(on log: EventLog, node: String, url: String?) async throws(LogError) -> ClusterEpoch {
        let version = log.version(of: stream)
        let next = ClusterEpoch(epoch: (current(in: log)?.epoch ?? 0) + 1, node: node, url: url, previousHead: log.head)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let payload = (try? encoder.encode(next)).map { Array($0) } ?? []
        _ = try await log.append(
            to: stream, expectedVersion: version == 0 ? .noStream : .exactly(version),
            events: [ProposedEvent(type: eventType, metadata: EventMetadata(actor: "node:\(node)"), payload: payload)]
        )
        return next
    }
}
