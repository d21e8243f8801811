public import Foundation

/// How a node takes part in a cluster (`docs/operations.md`, "Cluster").
public struct ReplicationSettings: Sendable {
    /// The shared secret: without it a node serves no replication stream and cannot follow one.
    public var secret: ReplicationSecret?
    /// The primary this node follows; `nil` makes it a primary.
    public var primaryURL: URL?
    /// The URL clients reach this node at, told to replicas (which redirect commands there).
    public var advertiseURL: URL?
    /// On a primary: how many replicas must confirm a command's events durable before it is
    /// acknowledged (`--sync-replicas`; 0, the default, acknowledges after the local fsync).
    public var syncReplicas: Int
    /// How long a command waits for those confirmations before answering 503 `replication-timeout`.
    public var syncTimeout: Duration

    /// A standalone primary, or a replica of `primaryURL`.
    public init(
        secret: ReplicationSecret? = nil, primaryURL: URL? = nil, advertiseURL: URL? = nil, syncReplicas: Int = 0,
        syncTimeout: Duration = .seconds(2)
    ) {
        self.secret = secret
        self.primaryURL = primaryURL
        self.advertiseURL = advertiseURL
        self.syncReplicas = syncReplicas
        self.syncTimeout = syncTimeout
    }

    /// Whether this node follows a primary.
    public var isReplica: Bool { primaryURL != nil }

    /// How many replica confirmations a command waits for on this node (none on a replica).
    public var requiredConfirmations: Int { isReplica ? 0 : max(0, syncReplicas) }
}
