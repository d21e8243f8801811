import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An append-only file of fixed-size records, each fsynced before `append` returns: the order in
/// which a store changed, which a replica copies entry by entry and resumes from its own length.
///
/// A crash in the middle of an append leaves a torn final record; opening cuts it (the change it
/// recorded was never reported as done). The key store's journal and the blob store's use it.
public final class RecordJournal: Sendable {
    /// Every record's size in bytes.
    public let recordSize: Int
    /// The file.
    public let path: String
    /// The descriptor and the record count; appends happen under the lock, reads take the count
    /// under it and then read records that no longer change.
    private let state: Mutex<(descriptor: Int32, count: Int)>

    /// Opens (creating, mode 0600) the journal at `path`, cutting a torn final record.
    public init(path: String, recordSize: Int) throws(RecordJournalError) {
        precondition(recordSize > 0)
        self.path = path
        self.recordSize = recordSize
        let descriptor = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw RecordJournalError(operation: "open", path: path, reason: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw RecordJournalError(operation: "stat", path: path, reason: reason)
        }
        let whole = Int(info.st_size) / recordSize
        if whole * recordSize != Int(info.st_size) {
            guard ftruncate(descriptor, off_t(whole * recordSize)) == 0, fsync(descriptor) == 0 else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw RecordJournalError(operation: "truncate", path: path, reason: reason)
            }
        }
        state = Mutex((descriptor, whole))
    }

    deinit {
        state.withLock { _ = close($0.descriptor) }
    }

    /// The number of records.
    public var count: Int { state.withLock { $0.count } }

    /// The number of whole records of the journal at `path`, read without opening it for writing
    /// (0 when there is none): for tools beside a running server.
    public static func count(atPath path: String, recordSize: Int) -> Int {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return size / recordSize
    }

    /// Appends `record` (exactly `recordSize` bytes) durably.
    public func append(_ record: [UInt8]) throws(RecordJournalError) {
        precondition(record.count == recordSize, "a journal record of \(record.count) bytes, not \(recordSize)")
        let path = self.path
        try state.withLock { (state: inout (descriptor: Int32, count: Int)) throws(RecordJournalError) in
            let offset = off_t(state.count * recordSize)
            let written = record.withUnsafeBytes { pwrite(state.descriptor, $0.baseAddress, $0.count, offset) }
            guard written == record.count, fsync(state.descriptor) == 0 else {
                let reason = String(cString: strerror(errno))
                _ = ftruncate(state.descriptor, offset)
                throw RecordJournalError(operation: "append", path: path, reason: reason)
            }
            state.count += 1
        }
    }

    /// Keeps the first `count` records, durably (a former primary's journal cut back to what the new
    /// primary's shares with it).
    public func truncate(to count: Int) throws(RecordJournalError) {
        let (path, recordSize) = (self.path, self.recordSize)
        try state.withLock { (state: inout (descriptor: Int32, count: Int)) throws(RecordJournalError) in
            guard count < state.count else { return }
            guard ftruncate(state.descriptor, off_t(count * recordSize)) == 0, fsync(state.descriptor) == 0 else {
                throw RecordJournalError(operation: "truncate", path: path, reason: String(cString: strerror(errno)))
            }
            state.count = count
        }
    }

    /// Up to `maxCount` records from index `start` on.
    public func records(from start: Int, maxCount: Int) throws(RecordJournalError) -> [ArraySlice<UInt8>] {
        let (descriptor, count) = state.withLock { ($0.descriptor, $0.count) }
        let wanted = max(0, min(maxCount, count - max(0, start)))
        guard wanted > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: wanted * recordSize)
        let read = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(start * recordSize)) }
        guard read == bytes.count else { throw RecordJournalError(operation: "read", path: path, reason: String(cString: strerror(errno))) }
        return (0..<wanted).map { bytes[($0 * recordSize)..<(($0 + 1) * recordSize)] }
    }
}

/// A journal file could not be opened, read or appended to.
public struct RecordJournalError: Error, Sendable, CustomStringConvertible {
    /// What was being done: open, stat, truncate, append, read.
    public var operation: String
    /// The file.
    public var path: String
    /// The system's reason.
    public var reason: String

    /// A description naming the file.
    public var description: String { "cannot \(operation) the journal \(path): \(reason)" }
}
