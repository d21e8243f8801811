public import Archive
import EventLog
public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Rebuilds a data directory from an archive: the log to the manifest's position or an earlier
/// one, every batch checked as a replica checks the primary's (checksum, position, chain, segment
/// boundaries) before it is written; the data keys with every tombstone applied (the archive's
/// current ones, whatever the manifest's age, so no restore brings an erased person back); the
/// avatars.
///
/// It writes into a hidden sibling directory and renames it into place only once complete: a
/// failed restore leaves no directory that looks valid.
public struct ArchiveRestore: Sendable {
    /// Where the archive is.
    public var location: S3Location
    /// The store.
    public var store: S3Configuration
    /// The data directory to create (it must not exist or be empty).
    public var dataDirectory: URL
    /// Restore up to the last batch ending at or before this position (`nil`: all of the manifest).
    public var toPosition: Int64?

    /// A restore.
    public init(location: S3Location, store: S3Configuration, dataDirectory: URL, toPosition: Int64? = nil) {
        self.location = location
        self.store = store
        self.dataDirectory = dataDirectory
        self.toPosition = toPosition
    }

    /// What a restore produced.
    public struct Outcome: Sendable, Equatable {
        /// The restored head.
        public var position: Int64
        /// The chain hash at the head (hex).
        public var chainHash: String
        /// The manifest's position and chain hash.
        public var manifestPosition: Int64
        /// The manifest's chain hash (hex).
        public var manifestChainHash: String
        /// Data keys restored, and people erased.
        public var keys: Int
        /// People erased (tombstones applied).
        public var tombstones: Int
        /// Avatars restored.
        public var blobs: Int
    }

    /// Runs the restore.
    ///
    /// - Throws: `ArchiveError` naming the object (and position) that is missing, truncated or
    ///   altered, or the local failure; nothing is left at `dataDirectory` then.
    public func run() async throws -> Outcome {
        let manager = FileManager.default
        let target = dataDirectory.standardizedFileURL
        if let existing = try? manager.contentsOfDirectory(atPath: target.path), !existing.isEmpty {
            throw ArchiveError.local("\(target.path) is not empty: restore writes a fresh data directory")
        }
        let staging = target.deletingLastPathComponent().appendingPathComponent("." + target.lastPathComponent + ".restoring")
        try? manager.removeItem(at: staging)
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ArchiveError.local("cannot create \(staging.path): \(error)")
        }
        let client = S3Client(configuration: store, bucket: location.bucket)
        do {
            let outcome = try await restore(into: staging, client)
            try await client.shutdown()
            for folder in ["keys", "blobs", "log", ""] { Self.syncDirectory(staging.appendingPathComponent(folder)) }
            if manager.fileExists(atPath: target.path) { try manager.removeItem(at: target) }
            try manager.moveItem(at: staging, to: target)
            Self.syncDirectory(target.deletingLastPathComponent())
            return outcome
        } catch {
            try? await client.shutdown()
            try? manager.removeItem(at: staging)
            throw error
        }
    }

    private func restore(into directory: URL, _ client: S3Client) async throws -> Outcome {
        let manifestKey = location.key(ArchiveManifest.objectName)
        guard let manifestBytes = try await client.get(manifestKey) else {
            throw ArchiveError.object(manifestKey, position: nil, "missing: nothing was archived at \(location)")
        }
        let manifest = try ArchiveManifest.decode(manifestBytes)
        let limit = min(toPosition ?? manifest.position, manifest.position)
        let (position, chain) = try await restoreLog(manifest, upTo: limit, into: directory.appendingPathComponent("log"), client)
        let (keyCount, tombstoneCount) = try await restoreKeys(manifest, into: directory.appendingPathComponent("keys"), client)
        let blobCount = try await restoreBlobs(into: directory.appendingPathComponent("blobs"), client)
        return Outcome(
            position: position, chainHash: chain, manifestPosition: manifest.position, manifestChainHash: manifest.chainHash,
            keys: keyCount, tombstones: tombstoneCount, blobs: blobCount
        )
    }

    /// Downloads each piece up to `limit` and appends its batches through a replica's log, which
    /// checks each one before writing it.
    private func restoreLog(
        _ manifest: ArchiveManifest, upTo limit: Int64, into directory: URL, _ client: S3Client
    ) async throws -> (Int64, String) {
        var options = EventLogOptions()
        options.isReplica = true
        let log: EventLog
        do {
            log = try EventLog.open(directory: directory.path, options: options)
        } catch {
            throw ArchiveError.local("cannot create the log in \(directory.path): \(error)")
        }
        defer { log.close() }
        var chain = String(repeating: "0", count: 64)
        pieces: for piece in manifest.pieces where piece.first <= limit {
            let key = location.key(piece.key)
            guard let bytes = try await client.get(key) else {
                throw ArchiveError.object(key, position: piece.first, "missing (the manifest names it)")
            }
            let batches = piece.key.hasPrefix("segments/")
                ? try ArchiveObjectCodec.batches(ofSegment: bytes, key: key, first: piece.first)
                : try ArchiveObjectCodec.batches(ofTail: bytes, key: key, first: piece.first)
            var wanted = batches.filter { ($0.lastPosition ?? 0) <= limit && ($0.firstPosition ?? 0) > log.head }
            // A tail piece may overlap a segment already restored only if the manifest is odd; skip what is held.
            if wanted.isEmpty { if piece.last <= limit { continue } else { break pieces } }
            // Groups of about 4 MiB: one fsync each, bounded memory besides the object itself.
            while !wanted.isEmpty {
                var size = 0
                let count = wanted.prefix { batch in size += batch.bytes.count; return size <= 4 << 20 }.count
                let group = Array(wanted.prefix(max(1, count)))
                wanted.removeFirst(group.count)
                do {
                    try await log.append(replicatedBatches: group)
                } catch {
                    throw ArchiveError.object(key, position: log.head + 1, "refused: \(error) (truncated or altered)")
                }
                chain = ArchiveObjectCodec.chainHash(of: group[group.count - 1])
            }
            if piece.last <= limit {
                guard log.head == piece.last else {
                    throw ArchiveError.object(key, position: log.head + 1, "it ends at position \(log.head), the manifest says \(piece.last) (truncated)")
                }
                guard chain == piece.chainHash else {
                    throw ArchiveError.object(key, position: piece.last, "its chain hash \(chain) differs from the manifest's \(piece.chainHash) (altered)")
                }
            } else {
                break
            }
        }
        if toPosition == nil || limit == manifest.position {
            guard log.head == manifest.position, chain == manifest.chainHash else {
                throw ArchiveError.object(
                    location.key(ArchiveManifest.objectName), position: log.head,
                    "the restored log ends at \(log.head) with chain hash \(chain), the manifest says \(manifest.position) and \(manifest.chainHash)"
                )
            }
        }
        return (log.head, chain)
    }

    /// The key journal as archived, each created key's sealed file unless its person was erased,
    /// and a tombstone (with its journal record) for every erased person the store knows, including
    /// those erased after this manifest was written.
    private func restoreKeys(_ manifest: ArchiveManifest, into directory: URL, _ client: S3Client) async throws -> (Int, Int) {
        let manager = FileManager.default
        try manager.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let tombstones = Set(try await client.list(prefix: location.key("tombstones/")).compactMap { key -> UUID? in
            key.split(separator: "/").last.flatMap { UUID(uuidString: String($0)) }
        })
        var journal: [UInt8] = []
        var created: [UUID] = []
        var erased = Set<UUID>()
        for piece in manifest.keyJournal {
            let key = location.key(piece.key)
            guard let bytes = try await client.get(key) else { throw ArchiveError.object(key, position: nil, "missing (the manifest names it)") }
            guard bytes.count == piece.count * 17 else {
                throw ArchiveError.object(key, position: nil, "\(bytes.count) bytes where \(piece.count) records of 17 were expected (truncated or altered)")
            }
            for index in 0..<piece.count {
                let record = bytes[(index * 17)..<(index * 17 + 17)]
                var uuid = UUID().uuid
                withUnsafeMutableBytes(of: &uuid) { $0.copyBytes(from: record.dropFirst()) }
                let subject = UUID(uuid: uuid)
                switch record[record.startIndex] {
                case UInt8(ascii: "K"): created.append(subject)
                case UInt8(ascii: "E"): erased.insert(subject)
                default: throw ArchiveError.object(key, position: nil, "record \(index) is neither a creation nor an erasure (altered)")
                }
            }
            journal += bytes
        }
        if let check = try await client.get(location.key(ArchiveManifest.masterCheckName)) {
            try write(check, to: directory.appendingPathComponent("master.check"))
        }
        var restored = 0
        for subject in created where !erased.contains(subject) && !tombstones.contains(subject) {
            let name = subject.uuidString.lowercased()
            let key = location.key(ArchiveManifest.keyName(name))
            guard let sealed = try await client.get(key) else {
                throw ArchiveError.object(key, position: nil, "missing: the key journal created it and no tombstone erased it")
            }
            try write(sealed, to: directory.appendingPathComponent(name))
            restored += 1
        }
        let allErased = erased.union(tombstones)
        for subject in allErased.sorted(by: { $0.uuidString < $1.uuidString }) {
            try write(Array("erased\n".utf8), to: directory.appendingPathComponent(subject.uuidString.lowercased() + ".erased"))
            // Erasures the journal does not hold yet (made after this manifest) are journaled too.
            if !erased.contains(subject) {
                journal.append(UInt8(ascii: "E"))
                withUnsafeBytes(of: subject.uuid) { journal.append(contentsOf: $0) }
            }
        }
        try write(journal, to: directory.appendingPathComponent("journal"))
        return (restored, allErased.count)
    }

    /// Every archived avatar, into `blobs/ab/cdef…`.
    private func restoreBlobs(into directory: URL, _ client: S3Client) async throws -> Int {
        var count = 0
        for key in try await client.list(prefix: location.key("blobs/")) {
            guard let hash = key.split(separator: "/").last.map(String.init), BlobStore.isHash(hash) else { continue }
            guard let bytes = try await client.get(key) else { continue } // deleted meanwhile (an erasure)
            let folder = directory.appendingPathComponent(String(hash.prefix(2)))
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try write(bytes, to: folder.appendingPathComponent(String(hash.dropFirst(2))))
            Self.syncDirectory(folder)
            count += 1
        }
        return count
    }

    /// Writes a file (mode 0600) and fsyncs it: the directory is renamed into place only once
    /// everything in it is durable.
    private func write(_ bytes: [UInt8], to url: URL) throws {
        let descriptor = Glibc.open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ArchiveError.local("cannot create \(url.path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            guard written > 0 else { throw ArchiveError.local("cannot write \(url.path): \(String(cString: strerror(errno)))") }
            offset += written
        }
        guard fsync(descriptor) == 0 else { throw ArchiveError.local("cannot fsync \(url.path): \(String(cString: strerror(errno)))") }
    }

    /// fsyncs a directory, so the names in it (and a rename into it) are durable.
    private static func syncDirectory(_ url: URL) {
        let descriptor = Glibc.open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}
