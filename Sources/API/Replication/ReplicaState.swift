public import Foundation

/// What a replica notes in its data directory each time its stream from the primary opens
/// (`<data>/replica.json`): the primary it follows and that primary's head then. `protalent stats`
/// reads it offline; the server itself never does (its role comes from `--replica-of`).
public struct ReplicaState: Codable, Sendable, Equatable {
    /// The primary's URL as it advertises itself (else `--replica-of`).
    public var primaryUrl: String
    /// The primary's head when the stream opened.
    public var primaryHead: Int64?
    /// When the stream opened.
    public var connectedAt: Date

    /// A state.
    public init(primaryUrl: String, primaryHead: Int64?, connectedAt: Date) {
        self.primaryUrl = primaryUrl
        self.primaryHead = primaryHead
        self.connectedAt = connectedAt
    }

    /// The file in `dataDirectory`.
    public static func file(in dataDirectory: URL) -> URL {
        dataDirectory.appendingPathComponent("replica.json")
    }

    /// The state saved in `dataDirectory`, or `nil` when it never followed a primary.
    public static func load(from dataDirectory: URL) -> ReplicaState? {
        guard let data = FileManager.default.contents(atPath: file(in: dataDirectory).path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(ReplicaState.self, from: data)
    }

    /// Writes the state (atomically; a failure only costs `stats` its line, so it is ignored).
    func save(to file: URL) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        try? encoder.encode(self).write(to: file, options: .atomic)
    }
}
