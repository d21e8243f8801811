import EventSourcing
public import Foundation

/// What a former primary learnt of a newer epoch: the epoch and, when known, the URL of its
/// primary. Kept in `<data>/replication/fence` (JSON, written atomically and fsynced before the
/// node acts on it), so a fenced node stays fenced across restarts until `protalent rejoin`
/// clears it: it serves reads, refuses every command (503 `/problems/not-primary`) and never
/// appends.
///
/// `rejoin` leaves the same record as `<data>/replication/follow`: the node follows that primary
/// (even when its own log's last epoch still names itself, until the stream brings the newer one).
public struct ReplicationFence: Codable, Sendable, Equatable {
    /// Which record: the fence of a former primary, or what a rejoined node follows.
    public enum Kind: String, Sendable {
        /// `replication/fence`.
        case fence
        /// `replication/follow`.
        case follow
    }

    /// The newer epoch.
    public var epoch: Int64
    /// Its primary's URL, when known.
    public var url: String?

    /// A fence at `epoch`.
    public init(epoch: Int64, url: String?) {
        self.epoch = epoch
        self.url = url
    }

    /// `<data>/replication/fence` (or `follow`).
    public static func path(dataDirectory: URL, kind: Kind = .fence) -> String {
        dataDirectory.appendingPathComponent("replication/" + kind.rawValue).path
    }

    /// The fence (or follow record) of `dataDirectory`, if any.
    public static func load(dataDirectory: URL, kind: Kind = .fence) -> ReplicationFence? {
        guard let bytes = try? SecureFile.contents(of: path(dataDirectory: dataDirectory, kind: kind)) else { return nil }
        return try? JSONDecoder().decode(ReplicationFence.self, from: Data(bytes))
    }

    /// Writes the fence durably (temporary file, fsync, rename, fsync of the directory).
    public func write(dataDirectory: URL, kind: Kind = .fence) throws {
        let path = Self.path(dataDirectory: dataDirectory, kind: kind)
        try SecureFile.makeDirectory((path as NSString).deletingLastPathComponent, mode: 0o700)
        _ = try SecureFile.writeAtomically(Array(try JSONEncoder().encode(self)), to: path, mode: 0o600, replace: true)
    }

    /// Removes the fence durably (`protalent rejoin`); no fence is fine.
    public static func clear(dataDirectory: URL, kind: Kind = .fence) throws {
        let path = path(dataDirectory: dataDirectory, kind: kind)
        if try SecureFile.remove(path) { try SecureFile.syncDirectory((path as NSString).deletingLastPathComponent) }
    }
}
