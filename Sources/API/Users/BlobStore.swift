import Cryptography
public import Foundation

/// Content-addressed files under `<data>/blobs/`: a blob's name is the SHA-256 of its bytes.
///
/// The same avatar uploaded twice is stored once, and a name can be served with a long cache
/// lifetime because its content never changes. Layout: `blobs/ab/cdef…` (two-character fan-out).
public struct BlobStore: Sendable {
    /// The blobs directory.
    public let directory: URL

    /// A store in `directory` (created when missing).
    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Stores `bytes` durably and returns their hex SHA-256.
    public func put(_ bytes: [UInt8]) throws -> String {
        let hash = Self.hex(SHA256.hash(bytes))
        let url = location(of: hash)
        if FileManager.default.fileExists(atPath: url.path) { return hash }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url, options: [.atomic])
        return hash
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
