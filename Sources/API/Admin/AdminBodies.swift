import Projections
import ReadModels

/// One entry of `GET /admin/audit`: the audit index's row and what the chain check says of it.
struct AuditItem: Encodable {
    var position: Int64
    var stream: String
    var type: String
    var actor: String?
    var time: String
    /// `verified`, `unverified` (appended since the last check) or `broken`.
    var chain: String
}

/// The answer of `GET /admin/audit`: a page, with the log's verification state.
struct AuditPage: Encodable {
    var items: [AuditItem]
    var nextCursor: String?
    var verification: ChainVerifier.State

    private enum CodingKeys: String, CodingKey { case items, nextCursor, verification }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)
        try container.encode(verification, forKey: .verification)
    }
}

/// One projection in `GET /admin/projections`.
struct ProjectionItem: Encodable {
    struct LastError: Encodable {
        var position: Int64
        var eventType: String
        var message: String
    }

    var name: String
    /// The version of the projection file.
    var version: String
    /// The version the live model was built with.
    var liveVersion: String?
    var checkpoint: Int64
    var head: Int64
    var lag: Int64
    /// `idle`, `catching-up`, `running`, `rebuilding` or `failed`.
    var state: String
    var lastError: LastError?

    init(_ status: ProjectionStatus) {
        name = status.name
        version = status.version
        liveVersion = status.liveVersion
        checkpoint = status.checkpoint
        head = status.head
        lag = status.lag
        state = status.state.rawValue
        lastError = status.failure.map { LastError(position: $0.position, eventType: $0.eventType, message: $0.message) }
    }
}

/// The answer of `POST /admin/projections/{name}/rebuild`.
struct RebuildStarted: Encodable {
    var name: String
    var state: String
    /// The log head when the rebuild started: it is done once `checkpoint` reaches it with state `running`.
    var head: Int64
}
