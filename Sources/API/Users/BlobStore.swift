import Cryptography
public import Foundation

/// Avatars under `<data>/blobs/`, each named by the SHA-256 of its owner's id and its bytes.
///
/// A name never changes its content, so it is served with a long cache lifetime; the same image
/// uploaded again by the same person is stored once. The owner is part of the name so that no two
/// people share a file: an erasure or a replaced avatar deletes the person's file and nobody
/// else's. Layout: `blobs/ab/cdef…` (two-character fan-out).
public struct BlobStore: Sendable {
    /// The blobs directory.
    public let directory: URL

    /// A store in `directory` (created when missing).
    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Stores `bytes` as `owner`'s, durably, and returns their name.
    public func put(_ bytes: [UInt8], owner: UUID) throws -> String {
        let hash = Self.hex(SHA256.hash(Array(owner.uuidString.lowercased().utf8) + [0] + bytes))
        let url = location(of: hash)
        if FileManager.default.fileExists(atPath: url.path) { return hash }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url, options: [.atomic])
        return hash
    }

    /// Deletes the file named `hash` (a replaced or erased avatar); no error when it is gone already.
    public func remove(_ hash: String) throws {
        guard Self.isHash(hash) else { return }
        do {
            try FileManager.default.removeItem(at: location(of: hash))
        } catch CocoaError.fileNoSuchFile {
            return
        }
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

    func location(of hash: String) -> URL {
        directory.appendingPathComponent(String(hash.prefix(2))).appendingPathComponent(String(hash.dropFirst(2)))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
