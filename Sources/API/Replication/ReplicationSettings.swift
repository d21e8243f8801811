public import Foundation

/// How a node takes part in a cluster (`docs/operations.md`, "Cluster").
public struct ReplicationSettings: Sendable {
    /// The shared secret: without it a node serves no replication stream and cannot follow one.
    public var secret: ReplicationSecret?
    /// The nodes this node may follow (`--replica-of URL[,URL…]`): it follows whichever is an
    /// unfenced primary at the highest epoch. Empty makes it a primary.
    public var primaryURLs: [URL]
    /// The URL clients reach this node at, told to replicas (which redirect commands there).
    public var advertiseURL: URL?
    /// As a primary (from the start or once promoted): how many replicas must confirm a command's
    /// events durable before it is acknowledged (`--sync-replicas`; 0, the default, acknowledges
    /// after the local fsync).
    public var syncReplicas: Int
    /// How long a command waits for those confirmations before answering 503 `replication-timeout`.
    public var syncTimeout: Duration

    /// A standalone primary, or a replica of one of `primaryURLs`.
    public init(
        secret: ReplicationSecret? = nil, primaryURLs: [URL] = [], advertiseURL: URL? = nil, syncReplicas: Int = 0,
        syncTimeout: Duration = .seconds(2)
    ) {
        self.secret = secret
        self.primaryURLs = primaryURLs
        self.advertiseURL = advertiseURL
        self.syncReplicas = syncReplicas
        self.syncTimeout = syncTimeout
    }

    /// The first node of `--replica-of`, where commands go until the followed primary is known.
    public var primaryURL: URL? { primaryURLs.first }

    /// Whether this node was started to follow a primary (a promotion recorded in its log makes it
    /// a primary all the same: `ReplicationNode.role`).
    public var isReplica: Bool { !primaryURLs.isEmpty }

    /// The nodes to follow, this node's own URL left out (every node may list the whole cluster).
    public var candidateURLs: [URL] {
        primaryURLs.filter { url in advertiseURL.map { !Self.sameNode($0, url) } ?? true }
    }

    private static func sameNode(_ a: URL, _ b: URL) -> Bool {
        a.host?.lowercased() == b.host?.lowercased() && a.port == b.port && a.scheme == b.scheme
    }
}
