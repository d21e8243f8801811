public import Foundation
import Cryptography
import EventLog
import Synchronization

/// Per-subject 256-bit data keys for personal data, kept outside the log in `<data>/keys/`.
///
/// Layout of the keys directory (mode 0700):
/// - `<subject uuid>`: the subject's data key, sealed with AES-256-GCM under the master key, the
///   subject id bound in as additional data (a key file copied to another subject's name does not
///   open). Format: `PTDK`, a version byte (1), then nonce ‖ ciphertext ‖ tag.
/// - `<subject uuid>.erased`: a tombstone left by `erase(subject:)`.
/// - `master.key`: the master key as base64 (mode 0600), only when it does not come from the
///   `PROTALENT_MASTER_KEY` environment variable.
/// - `master.check`: a constant sealed under the master key, so a wrong master key is refused when
///   the store opens rather than when the first key is read.
///
/// **Erasure is final.** `erase(subject:)` writes the tombstone, then deletes the key file. Asking
/// for an erased subject's key with `create: true` throws `Error.subjectErased` instead of making a
/// new key: a new key would let fresh personal data appear under an id that the rest of the system
/// (and the person) were told is gone, and old events would stay unreadable next to readable new
/// ones. A returning person gets a new subject id. Without the tombstone, a retried command or a
/// replay could silently resurrect the subject.
///
/// Writes are atomic and durable (temporary file, fsync, rename or link, fsync of the directory).
/// Keys are cached in memory after their first use; all file work happens under the same lock, so
/// two threads cannot create two different keys for one subject.
/// One process owns a data directory (as it owns the log): creation is safe across processes
/// (no key file is ever overwritten), but another process's erasure is not seen by this cache.
public final class KeyStore: Sendable {
    /// The environment variable that may hold the master key (base64 of 32 bytes).
    public static let masterKeyVariable = "PROTALENT_MASTER_KEY"

    /// Where the master key came from.
    public enum MasterKeySource: Sendable, Equatable {
        /// The `PROTALENT_MASTER_KEY` environment variable.
        case environment
        /// `keys/master.key`, read from disk.
        case file
        /// `keys/master.key`, created by this store on first start.
        case createdFile
    }

    /// The keys directory.
    public let directory: URL
    /// Where the master key came from.
    public let masterKeySource: MasterKeySource

    private let masterKey: [UInt8]
    /// Key creations and destructions in order, for replicas (`KeyJournal`).
    let journal: KeyJournal
    /// The cache: keys read or created, and subjects known to be erased.
    private let state = Mutex(State())

    private struct State {
        var keys: [UUID: [UInt8]] = [:]
        var erased: Set<UUID> = []
    }

    private static let keyFileMagic: [UInt8] = Array("PTDK".utf8) + [1]
    private static let checkPlaintext = Array("protalent master key check v1".utf8)
    private static let checkAssociatedData = Array("protalent.master-check".utf8)

    /// Opens (or creates) the key store of the data directory `dataDirectory`.
    ///
    /// The master key is `environment["PROTALENT_MASTER_KEY"]` when set, else `keys/master.key`,
    /// else a new random key written to `keys/master.key` (0600) — only when the directory holds
    /// no data keys yet, since those would be unreadable under a new master key.
    ///
    /// - Parameter environment: the process environment by default; tests pass their own.
    public init(
        dataDirectory: URL,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Error) {
        directory = dataDirectory.appendingPathComponent("keys", isDirectory: true)
        let path = directory.path
        try Self.io { () throws(SecureFile.Failure) in try SecureFile.makeDirectory(path, mode: 0o700) }
        let checkPath = path + "/master.check"
        (masterKey, masterKeySource) = try Self.loadMasterKey(directory: path, environment: environment)
        journal = try KeyJournal(path: path + "/journal")

        if SecureFile.permissions(of: checkPath) == nil {
            let sealed: [UInt8]
            do {
                sealed = try AES256GCM.seal(Self.checkPlaintext, key: masterKey, authenticating: Self.checkAssociatedData)
            } catch {
                throw .io("seal", checkPath, error.description)
            }
            // Not replacing: if another process wrote one meanwhile, the check below reads theirs.
            try Self.io { () throws(SecureFile.Failure) in
                try SecureFile.writeAtomically(sealed, to: checkPath, mode: 0o600, replace: false)
            }
        }
        guard let check = try Self.io({ () throws(SecureFile.Failure) in try SecureFile.contents(of: checkPath) }),
              (try? AES256GCM.open(check, key: masterKey, authenticating: Self.checkAssociatedData)) == Self.checkPlaintext
        else {
            throw .wrongMasterKey(checkPath, source: masterKeySource)
        }
        try reconcileJournal()
    }

    /// Journals the key files and tombstones the journal does not name: those of a data directory
    /// from before the journal, or of a crash between a key's write and its journal record (a key
    /// that was then never handed out, but exists).
    private func reconcileJournal() throws(Error) {
        var created = Set<UUID>()
        var erased = Set<UUID>()
        var start = 0
        while true {
            let records = try journal.records(from: start, maxCount: 65_536)
            if records.isEmpty { break }
            for record in records {
                if record.kind == .created { created.insert(record.subject) } else { erased.insert(record.subject) }
            }
            start += records.count
        }
        let path = directory.path
        let names = try Self.io { () throws(SecureFile.Failure) in try SecureFile.names(in: path) }
        for name in names.sorted() {
            if let subject = UUID(uuidString: name), !created.contains(subject), !erased.contains(subject) {
                try journal.append(.init(kind: .created, subject: subject))
            }
        }
        for name in names.sorted() where name.hasSuffix(".erased") {
            if let subject = UUID(uuidString: String(name.dropLast(".erased".count))), !erased.contains(subject) {
                try journal.append(.init(kind: .erased, subject: subject))
            }
        }
    }

    /// Reads the master key from the environment or `master.key`, or creates `master.key`.
    private static func loadMasterKey(
        directory path: String, environment: [String: String]
    ) throws(Error) -> ([UInt8], MasterKeySource) {
        if let encoded = environment[masterKeyVariable] {
            return (try decodeMasterKey(encoded, origin: "the \(masterKeyVariable) environment variable"), .environment)
        }
        let masterPath = path + "/master.key"
        // Twice at most: if another process creates master.key between our read and our write, read theirs.
        for _ in 0..<2 {
            if let stored = try io({ () throws(SecureFile.Failure) in try SecureFile.contents(of: masterPath) }) {
                if let mode = SecureFile.permissions(of: masterPath), mode & 0o077 != 0 {
                    throw .insecureMasterKeyFile(masterPath, mode: Int(mode))
                }
                return (try decodeMasterKey(String(decoding: stored, as: UTF8.self), origin: masterPath), .file)
            }
            let existing = try io { () throws(SecureFile.Failure) in try SecureFile.names(in: path) }
            if existing.contains(where: { $0 == "master.check" || UUID(uuidString: $0) != nil }) {
                throw .masterKeyMissing(path)
            }
            let key = SecureRandom.bytes(count: AES256GCM.keyByteCount)
            let text = Array((Base64.encode(key) + "\n").utf8)
            let created = try io { () throws(SecureFile.Failure) in
                try SecureFile.writeAtomically(text, to: masterPath, mode: 0o600, replace: false)
            }
            if created { return (key, .createdFile) }
        }
        throw .io("create", masterPath, "master.key kept changing while being created")
    }

    /// The data key of `subject`.
    ///
    /// - Parameter create: make and store a key when the subject has none yet.
    /// - Returns: the 32-byte key, or `nil` when the subject has no key and `create` is `false`, or
    ///   was erased.
    /// - Throws: `Error.subjectErased` when `create` is `true` for an erased subject.
    public func key(for subject: UUID, create: Bool) throws(Error) -> [UInt8]? {
        try state.withLock { (state: inout State) throws(Error) -> [UInt8]? in
            if let key = state.keys[subject] { return key }
            if try isErased(subject, in: &state) {
                if create { throw .subjectErased(subject) }
                return nil
            }
            let path = keyPath(subject)
            if let stored = try Self.io({ () throws(SecureFile.Failure) in try SecureFile.contents(of: path) }) {
                let key = try unwrap(stored, subject: subject, path: path)
                state.keys[subject] = key
                return key
            }
            guard create else { return nil }
            let key = SecureRandom.bytes(count: AES256GCM.keyByteCount)
            let wrapped: [UInt8]
            do {
                wrapped = Self.keyFileMagic
                    + (try AES256GCM.seal(key, key: masterKey, authenticating: Self.associatedData(subject)))
            } catch {
                throw .io("seal", path, String(describing: error))
            }
            let created = try Self.io { () throws(SecureFile.Failure) in
                try SecureFile.writeAtomically(wrapped, to: path, mode: 0o600, replace: false)
            }
            if created {
                // Journaled before it is handed out: every event sealed under it comes after.
                try journal.append(.init(kind: .created, subject: subject))
                state.keys[subject] = key
                return key
            }
            // Another process created it first: use that key, never overwrite it.
            guard let stored = try Self.io({ () throws(SecureFile.Failure) in try SecureFile.contents(of: path) }) else {
                throw .io("read", path, "the key file vanished while being created")
            }
            let existing = try unwrap(stored, subject: subject, path: path)
            state.keys[subject] = existing
            return existing
        }
    }

    /// Destroys the data key of `subject`: everything encrypted under it becomes unreadable for good.
    ///
    /// Writes the tombstone first (durably), then deletes the key file and syncs the directory, so a
    /// crash in between still leaves the subject erased. Erasing twice, or erasing a subject that
    /// never had a key, is allowed.
    public func erase(subject: UUID) throws(Error) {
        try state.withLock { (state: inout State) throws(Error) in
            // Idempotent: an erasure finished again (a retried request, its durable job, a replica
            // applying what the primary did) neither rewrites nor journals anything.
            if state.erased.contains(subject), state.keys[subject] == nil, !FileManager.default.fileExists(atPath: keyPath(subject)) { return }
            let tombstone = tombstonePath(subject)
            let path = keyPath(subject)
            let dir = directory.path
            try Self.io { () throws(SecureFile.Failure) in
                try SecureFile.writeAtomically(Array("erased\n".utf8), to: tombstone, mode: 0o600, replace: true)
                try SecureFile.remove(path)
                try SecureFile.syncDirectory(dir)
            }
            state.keys[subject] = nil
            state.erased.insert(subject)
            try journal.append(.init(kind: .erased, subject: subject))
        }
    }

    // MARK: - Replication

    /// One change of the key store, as a primary streams it to replicas.
    public struct JournalEntry: Sendable, Equatable {
        /// What happened to the subject's key.
        public enum Kind: Sendable, Equatable {
            /// The key was created.
            case created
            /// The key was destroyed (erasure).
            case erased
        }

        /// What happened.
        public var kind: Kind
        /// Whose key.
        public var subject: UUID
        /// For a creation: the key file as stored at rest (sealed under the master key), `nil` once
        /// the key was destroyed.
        public var sealedKey: [UInt8]?

        /// An entry.
        public init(kind: Kind, subject: UUID, sealedKey: [UInt8]? = nil) {
            self.kind = kind
            self.subject = subject
            self.sealedKey = sealedKey
        }
    }

    /// How many changes the journal holds (a replica's resume point).
    public var journalCount: Int { journal.count }

    /// Up to `maxCount` changes from the `start`-th on, creations with their sealed key files.
    public func journal(from start: Int, maxCount: Int) throws(Error) -> [JournalEntry] {
        var entries: [JournalEntry] = []
        for record in try journal.records(from: start, maxCount: maxCount) {
            var entry = JournalEntry(kind: record.kind, subject: record.subject)
            if record.kind == .created {
                let path = keyPath(record.subject)
                entry.sealedKey = try Self.io { () throws(SecureFile.Failure) in try SecureFile.contents(of: path) }
            }
            entries.append(entry)
        }
        return entries
    }

    /// Applies a primary's change on a replica, in the primary's order, and journals it.
    ///
    /// A created key must open under this store's master key for its subject (the nodes share the
    /// master key); it is stored as sent, never over an existing file. An erasure destroys the key
    /// as `erase(subject:)` does.
    public func applyReplicated(_ entry: JournalEntry) throws(Error) {
        switch entry.kind {
        case .erased:
            try erase(subject: entry.subject)
        case .created:
            try state.withLock { (state: inout State) throws(Error) in
                let path = keyPath(entry.subject)
                if let sealed = entry.sealedKey, try !isErased(entry.subject, in: &state) {
                    let key = try unwrap(sealed, subject: entry.subject, path: path)
                    _ = try Self.io { () throws(SecureFile.Failure) in
                        try SecureFile.writeAtomically(sealed, to: path, mode: 0o600, replace: false)
                    }
                    state.keys[entry.subject] = key
                }
                try journal.append(.init(kind: .created, subject: entry.subject))
            }
        }
    }

    /// Whether `subject` was erased.
    public func isErased(_ subject: UUID) throws(Error) -> Bool {
        try state.withLock { (state: inout State) throws(Error) -> Bool in try isErased(subject, in: &state) }
    }

    // MARK: - Internals

    private func isErased(_ subject: UUID, in state: inout State) throws(Error) -> Bool {
        if state.erased.contains(subject) { return true }
        guard SecureFile.permissions(of: tombstonePath(subject)) != nil else { return false }
        state.erased.insert(subject)
        return true
    }

    private func unwrap(_ stored: [UInt8], subject: UUID, path: String) throws(Error) -> [UInt8] {
        guard stored.starts(with: Self.keyFileMagic) else {
            throw .corruptKeyFile(path, "it does not start with the PTDK version 1 header")
        }
        let key: [UInt8]
        do {
            key = try AES256GCM.open(stored.dropFirst(Self.keyFileMagic.count), key: masterKey,
                                     authenticating: Self.associatedData(subject))
        } catch {
            throw .corruptKeyFile(path, "it does not authenticate under the master key (altered, or copied from another subject)")
        }
        guard key.count == AES256GCM.keyByteCount else { throw .corruptKeyFile(path, "the key is not 32 bytes") }
        return key
    }

    func keyPath(_ subject: UUID) -> String {
        directory.path + "/" + UUIDText.lowercase(subject)
    }

    func tombstonePath(_ subject: UUID) -> String {
        keyPath(subject) + ".erased"
    }

    private static func associatedData(_ subject: UUID) -> [UInt8] {
        Array("protalent.data-key.v1:\(UUIDText.lowercase(subject))".utf8)
    }

    private static func decodeMasterKey(_ text: String, origin: String) throws(Error) -> [UInt8] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let key = Base64.decode(trimmed) else { throw .invalidMasterKey(origin, "it is not base64") }
        guard key.count == AES256GCM.keyByteCount else {
            throw .invalidMasterKey(origin, "it decodes to \(key.count) bytes, not 32")
        }
        return key
    }

    @discardableResult
    private static func io<R>(_ body: () throws(SecureFile.Failure) -> R) throws(Error) -> R {
        do {
            return try body()
        } catch {
            throw .io(error.operation, error.path, error.message)
        }
    }
}
