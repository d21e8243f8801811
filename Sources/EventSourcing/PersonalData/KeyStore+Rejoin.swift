import Foundation

extension KeyStore {
    /// Up to `maxCount` journal entries from the `start`-th on, without key material (what a
    /// former primary compares with the new primary's journal).
    public func journalEntries(from start: Int, maxCount: Int) throws(Error) -> [JournalEntry] {
        try journal.records(from: start, maxCount: maxCount).map { JournalEntry(kind: $0.kind, subject: $0.subject) }
    }

    /// Cuts the journal back to its first `count` entries and undoes the cut ones' files, so the
    /// store is what it was after entry `count` and the new primary's journal continues it
    /// (`protalent rejoin`, server stopped). Returns the cut entries, oldest first.
    ///
    /// A key created in the cut part is deleted (the new primary sends its own key for the
    /// subject, if it has one). An erasure in the cut part cannot be undone: the key is gone; its
    /// tombstone is removed so the journal and the files agree, and the subject's data stays
    /// unreadable on this node (the caller reports it).
    public func trimJournal(to count: Int) throws(Error) -> [JournalEntry] {
        let total = journal.count
        guard count < total else { return [] }
        let cut = try journalEntries(from: count, maxCount: total - count)
        let kept = Set(try journalEntries(from: 0, maxCount: count).map(\.subject))
        let dir = directory.path
        for entry in cut.reversed() {
            switch entry.kind {
            case .created where !kept.contains(entry.subject):
                let path = keyPath(entry.subject)
                try Self.files { () throws(SecureFile.Failure) in _ = try SecureFile.remove(path) }
            case .erased:
                let path = tombstonePath(entry.subject)
                try Self.files { () throws(SecureFile.Failure) in _ = try SecureFile.remove(path) }
            case .created:
                break
            }
        }
        try Self.files { () throws(SecureFile.Failure) in try SecureFile.syncDirectory(dir) }
        try journal.truncate(to: count)
        return cut
    }

    private static func files(_ body: () throws(SecureFile.Failure) -> Void) throws(Error) {
        do {
            try body()
        } catch {
            throw .io(error.operation, error.path, error.message)
        }
    }
}
