import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The order in which a key store's data keys were created and destroyed: `keys/journal`, one
/// 17-byte record per change (a kind byte, `K` created or `E` erased, then the subject's UUID
/// bytes), appended and fsynced before the change is used.
///
/// A replica copies the primary's entries in order, so its own journal's length is how far it has
/// followed: it resumes from there (`GET /replication/stream?keys=N`). Because a key is journaled
/// before the key store hands it out, every key an event uses is journaled before the event is
/// appended, so a stream that sends the journal before the batches never sends an event whose key
/// the replica lacks.
final class KeyJournal: Sendable {
    static let recordSize = 17

    /// A journal record.
    struct Record: Equatable, Sendable {
        var kind: KeyStore.JournalEntry.Kind
        var subject: UUID
    }

    private let path: String
    /// The descriptor and the record count; appends happen under the lock, reads take the count
    /// under it and then read records that no longer change.
    private let state: Mutex<(descriptor: Int32, count: Int)>

    /// Opens (creating) the journal at `path`, cutting a torn final record.
    init(path: String) throws(KeyStore.Error) {
        self.path = path
        let descriptor = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .io("open", path, String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            close(descriptor)
            throw .io("stat", path, String(cString: strerror(errno)))
        }
        let whole = Int(info.st_size) / Self.recordSize
        if whole * Self.recordSize != Int(info.st_size) {
            // A crash in the middle of an append: the change it recorded was never handed out.
            guard ftruncate(descriptor, off_t(whole * Self.recordSize)) == 0, fsync(descriptor) == 0 else {
                close(descriptor)
                throw .io("truncate", path, String(cString: strerror(errno)))
            }
        }
        state = Mutex((descriptor, whole))
    }

    deinit {
        state.withLock { _ = close($0.descriptor) }
    }

    /// The number of records.
    var count: Int { state.withLock { $0.count } }

    /// Appends `record` durably.
    func append(_ record: Record) throws(KeyStore.Error) {
        var bytes = [record.kind == .created ? UInt8(ascii: "K") : UInt8(ascii: "E")]
        withUnsafeBytes(of: record.subject.uuid) { bytes.append(contentsOf: $0) }
        let path = self.path
        try state.withLock { (state: inout (descriptor: Int32, count: Int)) throws(KeyStore.Error) in
            let offset = off_t(state.count * Self.recordSize)
            let written = bytes.withUnsafeBytes { pwrite(state.descriptor, $0.baseAddress, $0.count, offset) }
            guard written == bytes.count, fsync(state.descriptor) == 0 else {
                _ = ftruncate(state.descriptor, offset)
                throw .io("append", path, String(cString: strerror(errno)))
            }
            state.count += 1
        }
    }

    /// Keeps the first `count` records, durably (a former primary's journal cut back to what the new
    /// primary's shares with it).
    func truncate(to count: Int) throws(KeyStore.Error) {
        let path = self.path
        try state.withLock { (state: inout (descriptor: Int32, count: Int)) throws(KeyStore.Error) in
            guard count < state.count else { return }
            guard ftruncate(state.descriptor, off_t(count * Self.recordSize)) == 0, fsync(state.descriptor) == 0 else {
                throw .io("truncate", path, String(cString: strerror(errno)))
            }
            state.count = count
        }
    }

    /// Up to `maxCount` records from index `start` on.
    func records(from start: Int, maxCount: Int) throws(KeyStore.Error) -> [Record] {
        let (descriptor, count) = state.withLock { ($0.descriptor, $0.count) }
        let wanted = max(0, min(maxCount, count - start))
        guard wanted > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: wanted * Self.recordSize)
        let read = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(start * Self.recordSize)) }
        guard read == bytes.count else { throw .io("read", path, String(cString: strerror(errno))) }
        return (0..<wanted).map { index in
            let base = index * Self.recordSize
            var uuid = UUID().uuid
            withUnsafeMutableBytes(of: &uuid) { $0.copyBytes(from: bytes[(base + 1)..<(base + Self.recordSize)]) }
            return Record(kind: bytes[base] == UInt8(ascii: "E") ? .erased : .created, subject: UUID(uuid: uuid))
        }
    }
}
