import EventSourcing
public import Foundation

/// How a replica's blob store follows its primary's: the journal, read and applied in order.
extension BlobStore {
    /// One change of the store, as a primary streams it to replicas.
    public struct JournalEntry: Sendable, Equatable {
        /// What happened to the blob.
        public enum Kind: Sendable, Equatable {
            /// The file was written.
            case put
            /// The file was deleted (a replaced avatar, an erasure).
            case deleted
        }

        /// What happened.
        public var kind: Kind
        /// The blob's name.
        public var hash: String
        /// For a put: whose blob, which its name covers (so a replica checks the bytes it fetches).
        public var owner: UUID?

        /// An entry.
        public init(kind: Kind, hash: String, owner: UUID? = nil) {
            self.kind = kind
            self.hash = hash
            self.owner = owner
        }
    }

    /// How many changes the journal holds (a replica's resume point).
    public var journalCount: Int { journal.count }

    /// How many changes the blob journal of `dataDirectory` holds, read without opening the store.
    public static func journalLength(dataDirectory: URL) -> Int {
        RecordJournal.count(atPath: dataDirectory.appendingPathComponent("blobs/journal").path, recordSize: BlobJournal.recordSize)
    }

    /// Up to `maxCount` changes from the `start`-th on.
    public func journal(from start: Int, maxCount: Int) throws -> [JournalEntry] {
        try journal.entries(from: start, maxCount: maxCount)
    }

    /// Whether this store follows a primary's journal; a promoted replica stops following and
    /// journals its own changes from then on.
    public var isFollowing: Bool {
        get { journal.isFollowing }
        nonmutating set { journal.isFollowing = newValue }
    }

    /// Applies a primary's change on a replica, in the primary's order, then journals it.
    ///
    /// A put fetches the bytes it lacks with `fetch` and stores them only when they hash to the
    /// name with the entry's owner; `fetch` answering `nil` (the primary deleted it since) stores
    /// nothing, as the deletion follows in the journal. Applying an entry twice (a resumed stream)
    /// is harmless.
    ///
    /// - Throws: `BlobStoreError` when fetched bytes do not match their name, or the entry is not
    ///   well-formed; then nothing is stored or journaled.
    public func applyReplicated(_ entry: JournalEntry, fetch: (String) async throws -> [UInt8]?) async throws {
        guard Self.isHash(entry.hash) else { throw BlobStoreError(description: "a blob journal entry names \(entry.hash), not a SHA-256") }
        switch entry.kind {
        case .put:
            guard let owner = entry.owner else { throw BlobStoreError(description: "a blob put without its owner") }
            if !FileManager.default.fileExists(atPath: location(of: entry.hash).path), let bytes = try await fetch(entry.hash) {
                guard Self.name(of: bytes, owner: owner) == entry.hash else {
                    throw BlobStoreError(description: "the \(bytes.count) bytes received for blob \(entry.hash) do not hash to its name")
                }
                try write(bytes, as: entry.hash)
            }
        case .deleted:
            try delete(entry.hash)
        }
        try journal.append(entry)
    }
}
