public import Foundation

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

    private let file: RecordJournal

    /// Opens (creating) the journal at `path`, cutting a torn final record.
    init(path: String) throws(KeyStore.Error) {
        do {
            file = try RecordJournal(path: path, recordSize: Self.recordSize)
        } catch {
            throw .io(error.operation, error.path, error.reason)
        }
    }

    /// The number of records.
    var count: Int { file.count }

    /// Appends `record` durably.
    func append(_ record: Record) throws(KeyStore.Error) {
        var bytes = [record.kind == .created ? UInt8(ascii: "K") : UInt8(ascii: "E")]
        withUnsafeBytes(of: record.subject.uuid) { bytes.append(contentsOf: $0) }
        do {
            try file.append(bytes)
        } catch {
            throw .io(error.operation, error.path, error.reason)
        }
    }

    /// Keeps the first `count` records, durably (a former primary's journal cut back to what the new
    /// primary's shares with it).
    func truncate(to count: Int) throws(KeyStore.Error) {
        do {
            try file.truncate(to: count)
        } catch {
            throw .io(error.operation, error.path, error.reason)
        }
    }

    /// Up to `maxCount` records from index `start` on.
    func records(from start: Int, maxCount: Int) throws(KeyStore.Error) -> [Record] {
        let records: [ArraySlice<UInt8>]
        do {
            records = try file.records(from: start, maxCount: maxCount)
        } catch {
            throw .io(error.operation, error.path, error.reason)
        }
        return records.map { bytes in
            var uuid = UUID().uuid
            withUnsafeMutableBytes(of: &uuid) { $0.copyBytes(from: bytes.dropFirst()) }
            return Record(kind: bytes.first == UInt8(ascii: "E") ? .erased : .created, subject: UUID(uuid: uuid))
        }
    }
}

extension KeyStore {
    /// How many changes the key journal of `dataDirectory` holds, read without opening the store
    /// (no master key needed): a replica that has followed its primary holds as many.
    public static func journalLength(dataDirectory: URL) -> Int {
        RecordJournal.count(atPath: dataDirectory.appendingPathComponent("keys/journal").path, recordSize: KeyJournal.recordSize)
    }
}
