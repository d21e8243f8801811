import Cryptography
public import Foundation

/// Avatars under `<data>/blobs/`, each named by the SHA-256 of its owner's id and its bytes.
///
/// A name never changes its content, so it is served with a long cache lifetime; the same image
/// uploaded again by the same person is stored once. The owner is part of the name so that no two
/// people share a file: an erasure or a replaced avatar deletes the person's file and nobody
/// else's. Layout: `blobs/ab/cdef…` (two-character fan-out), and `blobs/journal` (`BlobJournal`),
/// the puts and deletions in order, which replicas follow.
public struct BlobStore: Sendable {
    /// The blobs directory.
    public let directory: URL
    let journal: BlobJournal

    /// A store in `directory` (created when missing); `following` for a replica's, whose changes
    /// come from its primary's journal (`applyReplicated(_:fetch:)`).
    public init(directory: URL, following: Bool = false) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        journal = try BlobJournal(path: directory.appendingPathComponent("journal").path, following: following)
    }

    /// Stores `bytes` as `owner`'s, durably, and returns their name.
    public func put(_ bytes: [UInt8], owner: UUID) throws -> String {
        let hash = Self.name(of: bytes, owner: owner)
        try write(bytes, as: hash)
        // Journaled even when the file was there: it may be one a crash left unjournaled.
        if !journal.isFollowing { try journal.append(JournalEntry(kind: .put, hash: hash, owner: owner)) }
        return hash
    }

    /// Deletes the file named `hash` (a replaced or erased avatar); no error when it is gone already.
    public func remove(_ hash: String) throws {
        guard Self.isHash(hash) else { return }
        // Journaled before the file goes: replicas delete their copy even if this process dies next.
        if !journal.isFollowing, FileManager.default.fileExists(atPath: location(of: hash).path) {
            try journal.append(JournalEntry(kind: .deleted, hash: hash))
        }
        try delete(hash)
    }

    /// The bytes of `hash`, or `nil` when unknown or not a well-formed hash.
    public func get(_ hash: String) -> Data? {
        guard Self.isHash(hash) else { return nil }
        return FileManager.default.contents(atPath: location(of: hash).path)
    }

    /// Whether `text` is a lowercase hex SHA-256 (so it can name no other path).
    public static func isHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// The name of `bytes` stored as `owner`'s.
    static func name(of bytes: [UInt8], owner: UUID) -> String {
        Hex.encode(SHA256.hash(Array(owner.uuidString.lowercased().utf8) + [0] + bytes))
    }

    func location(of hash: String) -> URL {
        directory.appendingPathComponent(String(hash.prefix(2))).appendingPathComponent(String(hash.dropFirst(2)))
    }

    func write(_ bytes: [UInt8], as hash: String) throws {
        let url = location(of: hash)
        if FileManager.default.fileExists(atPath: url.path) { return }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url, options: [.atomic])
    }

    func delete(_ hash: String) throws {
        do {
            try FileManager.default.removeItem(at: location(of: hash))
        } catch CocoaError.fileNoSuchFile {
            return
        }
    }

    /// The 32 bytes a hex SHA-256 name spells, or `nil` when `hash` is not one.
    static func bytes(ofHash hash: String) -> [UInt8]? {
        isHash(hash) ? Hex.decode(hash) : nil
    }
}
