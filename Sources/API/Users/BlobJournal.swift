import EventSourcing
import Foundation
import Synchronization

/// The order in which a blob store's files were written and deleted: `blobs/journal`, one 49-byte
/// record per change (a kind byte, `P` put or `D` deleted, the blob's 32-byte SHA-256 name, then for
/// a put the owner's UUID bytes, zeros for a deletion), fsynced before the change is reported.
///
/// What a replica follows (`GET /replication/stream?blobs=N`), as the key journal: a put is
/// journaled once its file is written and before the command that names it is appended, so a
/// stream that sends the journal before the batches never sends an event naming a blob the
/// replica cannot fetch; a deletion is journaled before the file goes, so no crash leaves a file
/// deleted on the primary and kept by its replicas.
final class BlobJournal: Sendable {
    static let recordSize = 49

    private let file: RecordJournal
    /// Whether this store follows a primary's journal (a replica): its own deletions (an erasure
    /// job finishing locally) are not journaled, since the primary's arrive on the stream.
    private let following: Atomic<Bool>

    init(path: String, following: Bool) throws(RecordJournalError) {
        file = try RecordJournal(path: path, recordSize: Self.recordSize)
        self.following = Atomic(following)
    }

    var count: Int { file.count }

    var isFollowing: Bool {
        get { following.load(ordering: .relaxed) }
        set { following.store(newValue, ordering: .relaxed) }
    }

    func append(_ entry: BlobStore.JournalEntry) throws(RecordJournalError) {
        var bytes = [entry.kind == .put ? UInt8(ascii: "P") : UInt8(ascii: "D")]
        bytes += BlobStore.bytes(ofHash: entry.hash) ?? [UInt8](repeating: 0, count: 32)
        bytes += entry.owner.map { owner in withUnsafeBytes(of: owner.uuid) { Array($0) } } ?? [UInt8](repeating: 0, count: 16)
        try file.append(bytes)
    }

    func entries(from start: Int, maxCount: Int) throws(RecordJournalError) -> [BlobStore.JournalEntry] {
        try file.records(from: start, maxCount: maxCount).map { record in
            let hash = Hex.encode(Array(record.dropFirst().prefix(32)))
            guard record.first == UInt8(ascii: "P") else { return BlobStore.JournalEntry(kind: .deleted, hash: hash) }
            var uuid = UUID().uuid
            withUnsafeMutableBytes(of: &uuid) { $0.copyBytes(from: record.dropFirst(33)) }
            return BlobStore.JournalEntry(kind: .put, hash: hash, owner: UUID(uuid: uuid))
        }
    }
}
