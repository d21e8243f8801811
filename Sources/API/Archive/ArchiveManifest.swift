import Foundation

/// `PREFIX/manifest.json`: which objects make up the archived log, to which position and chain
/// hash. Written last, after every object it names, in one PUT (atomic in S3), so a reader never
/// sees a manifest naming an object that is not there yet.
///
/// Layout under the prefix:
/// - `segments/<base>.seg`: a sealed segment file, byte for byte (immutable, uploaded once);
/// - `tail/<first>-<last>`: batches of the active segment (`ArchiveTailObject`), kept after their
///   segment is sealed so older manifests stay restorable;
/// - `keys/<subject>`: a data key sealed under the master key, as at rest; `keys/master.check`;
///   `keys/journal/<start>`: records of `keys/journal`;
/// - `tombstones/<subject>`: an erased person (their key object is deleted);
/// - `blobs/<hash>`: an avatar, by content hash (deleted with the person).
public struct ArchiveManifest: Codable, Sendable, Equatable {
    /// A run of batches in one object.
    public struct Piece: Codable, Sendable, Equatable {
        /// The object key, relative to the prefix.
        public var key: String
        /// The first position it holds.
        public var first: Int64
        /// The last position it holds.
        public var last: Int64
        /// The chain hash after its last batch (hex).
        public var chainHash: String
        /// Its size in bytes.
        public var bytes: Int
    }

    /// A run of key journal records in one object.
    public struct JournalPiece: Codable, Sendable, Equatable {
        /// The object key, relative to the prefix.
        public var key: String
        /// The index of its first record.
        public var start: Int
        /// How many records.
        public var count: Int
    }

    /// The manifest format (1).
    public var format: Int = 1
    /// The last archived position.
    public var position: Int64 = 0
    /// The chain hash at `position` (hex; zeros for an empty log).
    public var chainHash: String = String(repeating: "0", count: 64)
    /// When it was written, in microseconds since 1970.
    public var writtenAtMicros: Int64 = 0
    /// Sealed segments, in position order.
    public var segments: [Piece] = []
    /// Tail objects after the last sealed segment, in position order.
    public var tail: [Piece] = []
    /// The key journal, in order.
    public var keyJournal: [JournalPiece] = []

    /// An empty manifest (nothing archived).
    public init() {}

    /// The pieces that hold the log, segments then tail.
    public var pieces: [Piece] { segments + tail }

    /// How many key journal records are archived.
    public var keyJournalCount: Int { keyJournal.last.map { $0.start + $0.count } ?? 0 }

    /// The object key of the manifest.
    public static let objectName = "manifest.json"

    /// Object names under the prefix.
    static func segmentName(base: Int64) -> String { "segments/" + padded(base) + ".seg" }
    static func tailName(first: Int64, last: Int64) -> String { "tail/" + padded(first) + "-" + padded(last) }
    static func keyName(_ subject: String) -> String { "keys/" + subject }
    static func tombstoneName(_ subject: String) -> String { "tombstones/" + subject }
    static func journalName(start: Int) -> String { "keys/journal/" + padded(Int64(start)) }
    static func blobName(_ hash: String) -> String { "blobs/" + hash }
    static let masterCheckName = "keys/master.check"

    /// 20 digits, so names sort like positions.
    static func padded(_ value: Int64) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    /// The JSON bytes (sorted keys: the same manifest is the same bytes).
    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return Array(try encoder.encode(self))
    }

    /// Decodes and checks the manifest's own consistency: pieces in order, contiguous from 1 to
    /// `position`.
    static func decode(_ bytes: [UInt8]) throws(ArchiveError) -> ArchiveManifest {
        let manifest: ArchiveManifest
        do {
            manifest = try JSONDecoder().decode(ArchiveManifest.self, from: Data(bytes))
        } catch {
            throw .object(objectName, position: nil, "it is not a manifest: \(error)")
        }
        guard manifest.format == 1 else { throw .object(objectName, position: nil, "format \(manifest.format) is newer than this build reads (1)") }
        var next: Int64 = 1
        for piece in manifest.pieces {
            guard piece.first == next, piece.last >= piece.first else {
                throw .object(objectName, position: next, "the piece \(piece.key) starts at \(piece.first) where \(next) was expected")
            }
            next = piece.last + 1
        }
        guard next - 1 == manifest.position else {
            throw .object(objectName, position: next, "its pieces end at \(next - 1) but it claims position \(manifest.position)")
        }
        var start = 0
        for piece in manifest.keyJournal {
            guard piece.start == start else { throw .object(objectName, position: nil, "key journal piece \(piece.key) starts at \(piece.start), not \(start)") }
            start += piece.count
        }
        return manifest
    }
}
