public import Foundation

/// How a node takes part in a cluster (`docs/operations.md`, "Cluster").
public struct ReplicationSettings: Sendable {
    /// The shared secret: without it a node serves no replication stream and cannot follow one.
    public var secret: ReplicationSecret?
    /// The primary this node follows; `nil` makes it a primary.
    public var primaryURL: URL?
    /// The URL clients reach this node at, told to replicas (which redirect commands there).
    public var advertiseURL: URL?

    /// A standalone primary, or a replica of `primaryURL`.
    public init(secret: ReplicationSecret? = nil, primaryURL: URL? = nil, advertiseURL: URL? = nil) {
        self.secret = secret
        self.primaryURL = primaryURL
        self.advertiseURL = advertiseURL
    }

    /// Whether this node follows a primary.
    public var isReplica: Bool { primaryURL != nil }
}
