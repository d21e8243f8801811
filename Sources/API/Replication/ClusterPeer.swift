import AsyncHTTPClient
public import EventLog
public import Foundation
import NIOCore
import NIOHTTP1

/// Another node of the cluster, asked over its authenticated replication routes: what
/// `protalent rejoin` uses to find where this node's log parted from the new primary's.
public struct ClusterPeer: Sendable {
    /// The node's URL.
    public let url: URL
    let secret: ReplicationSecret

    /// What `GET /replication/status` answers.
    public struct Status: Codable, Sendable {
        /// `primary` or `replica`.
        public var role: ReplicationRole
        /// The node's epoch.
        public var epoch: Int64
        /// Whether it is a fenced former primary.
        public var fenced: Bool
        /// Its log's head.
        public var head: Int64
        /// Its node id.
        public var node: String
        /// Its advertised URL.
        public var url: String?
    }

    /// One data-key journal change, without key material.
    public struct JournalRecord: Codable, Sendable, Equatable {
        /// `created` or `erased`.
        public var kind: String
        /// Whose key.
        public var subject: UUID

        /// A record.
        public init(kind: String, subject: UUID) {
            self.kind = kind
            self.subject = subject
        }
    }

    /// `GET /replication/journal`.
    struct Journal: Codable {
        var count: Int
        var entries: [JournalRecord]
    }

    /// The node at `url`, spoken to with `secret`.
    public init(url: URL, secret: ReplicationSecret) {
        self.url = url
        self.secret = secret
    }

    /// `GET /replication/status`.
    public func status() async throws -> Status {
        try await get("replication/status", as: Status.self)
    }

    /// The node's batch holding `position` (`nil` beyond its head).
    public func batchMark(containing position: Int64) async throws -> BatchMark? {
        try await request("replication/hash", query: "at=\(position)", as: BatchMark.self, missingIsNil: true)
    }

    /// The node's whole data-key journal, in order.
    public func journal() async throws -> [JournalRecord] {
        var records: [JournalRecord] = []
        while true {
            let page = try await get("replication/journal", query: "from=\(records.count)&max=4096", as: Journal.self)
            records += page.entries
            if page.entries.isEmpty || records.count >= page.count { return records }
        }
    }

    private func request<T: Decodable>(_ path: String, query: String?, as type: T.Type, missingIsNil: Bool) async throws -> T? {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let value: T? = try await fetch(client, path, query: query, as: type, missingIsNil: missingIsNil)
            try await client.shutdown()
            return value
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func get<T: Decodable>(_ path: String, query: String? = nil, as type: T.Type) async throws -> T {
        guard let value = try await request(path, query: query, as: type, missingIsNil: false) else {
            throw ReplicationStreamError.primary("\(url.absoluteString)/\(path) answered nothing")
        }
        return value
    }

    private func fetch<T: Decodable>(_ client: HTTPClient, _ path: String, query: String?, as type: T.Type, missingIsNil: Bool) async throws -> T? {
        var target = url.appendingPathComponent(path).absoluteString
        if let query { target += "?" + query }
        var request = HTTPClientRequest(url: target)
        request.headers.add(name: ReplicationSecret.header, value: secret.value)
        let response = try await client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 16 << 20)
        if response.status == .notFound, missingIsNil { return nil }
        guard response.status == .ok else {
            throw ReplicationStreamError.primary("\(target) answered \(response.status.code): \(String(buffer: body))")
        }
        return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
    }
}
