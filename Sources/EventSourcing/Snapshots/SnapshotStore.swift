import Cryptography
public import Foundation

/// Aggregate snapshots in `<data>/snapshots/`: one file per stream, named by the SHA-256 of the
/// stream name (`<hex>.snapshot`), so any stream name makes a safe file name.
///
/// File format: one line of JSON (the header: format 1, decider type, stream name, version N, state
/// schema version, time taken, SHA-256 of the state bytes), a newline, then the state as JSON
/// (the codec's conventions: sorted keys, ISO 8601 dates; `Personal` fields encrypted through the
/// cipher under the decider's `personalDataSubject(of:)`).
///
/// A snapshot is a cache: reading ignores (returns `nil` for) a missing, damaged or foreign file, one
/// of another state schema version or another decider, and the caller rebuilds from the events.
/// Writes are atomic (temporary file, fsync, rename, fsync of the directory): a crash leaves the old
/// snapshot or the new one. Snapshots hold derived data only and are never in git.
public struct SnapshotStore: Sendable {
    /// The snapshots directory.
    public let directory: String
    /// Encrypts `Personal` fields of snapshotted states; `nil` writes them in clear.
    public let cipher: (any PersonalDataCipher)?

    /// The store in `directory` (normally `<data>/snapshots`), created on first write.
    public init(directory: String, cipher: (any PersonalDataCipher)? = nil) {
        self.directory = directory
        self.cipher = cipher
    }

    /// The file holding `stream`'s snapshot.
    public func path(for stream: String) -> String {
        directory + "/" + Self.hex(SHA256.hash(Array(stream.utf8))) + ".snapshot"
    }

    /// The snapshot of `stream` for decider `D`, or `nil` when there is none usable (missing,
    /// damaged, another decider, another state schema version).
    public func read<D: SnapshottableDecider>(_ decider: D.Type, stream: String) -> Snapshot<D.State>? {
        guard let bytes = try? SecureFile.contents(of: path(for: stream)),
              let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let decoder = EventCodec.makeDecoder()
        guard let header = try? decoder.decode(SnapshotHeader.self, from: Data(bytes[..<newline])),
              header.format == 1, header.decider == String(reflecting: D.self), header.stream == stream,
              header.stateSchemaVersion == D.stateSchemaVersion, header.version > 0
        else { return nil }
        let stateBytes = bytes[(newline + 1)...]
        guard Self.hex(SHA256.hash(Array(stateBytes))) == header.stateSHA256 else { return nil }
        if let cipher { decoder.userInfo[.personalDataCipher] = cipher }
        guard let state = try? decoder.decode(D.State.self, from: Data(stateBytes)) else { return nil }
        return Snapshot(stream: stream, version: header.version, stateSchemaVersion: header.stateSchemaVersion,
                        takenAt: header.takenAt, state: state)
    }

    /// Stores `state` as `stream`'s snapshot at `version`, replacing any earlier one.
    public func write<D: SnapshottableDecider>(
        _ decider: D.Type, stream: String, version: Int64, state: D.State, takenAt: Date
    ) throws(EventStoreError) {
        let path = path(for: stream)
        let encoder = EventCodec.makeEncoder()
        if let cipher { encoder.userInfo[.personalDataCipher] = cipher }
        if let subject = D.personalDataSubject(of: state) { encoder.userInfo[.personalDataSubject] = subject }
        let stateBytes: [UInt8]
        let headerBytes: [UInt8]
        do {
            stateBytes = Array(try encoder.encode(state))
            let header = SnapshotHeader(
                format: 1, decider: String(reflecting: D.self), stream: stream, version: version,
                stateSchemaVersion: D.stateSchemaVersion, takenAt: takenAt,
                stateSHA256: Self.hex(SHA256.hash(stateBytes)))
            headerBytes = Array(try encoder.encode(header))
        } catch {
            throw .snapshot(path: path, "the state does not encode: \(error)")
        }
        do {
            try SecureFile.makeDirectory(directory, mode: 0o700)
            try SecureFile.writeAtomically(headerBytes + [UInt8(ascii: "\n")] + stateBytes, to: path, mode: 0o600, replace: true)
        } catch {
            throw .snapshot(path: path, "\(error.operation) failed on \(error.path): \(error.message)")
        }
    }

    /// Deletes `stream`'s snapshot, if any.
    public func remove(stream: String) {
        _ = try? SecureFile.remove(path(for: stream))
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
