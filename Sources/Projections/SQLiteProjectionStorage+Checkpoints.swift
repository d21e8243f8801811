import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// The live model's write-ahead log: copied into the database file once a second
/// (`checkpointWAL`), and emptied after an erasure (`scrub`).
extension SQLiteProjectionStorage {
    /// Removes old page images from the live model's write-ahead log (a truncating checkpoint), so
    /// rows deleted or blanked by an erasure survive in no file. With `secure_delete` on, the
    /// database file itself keeps no freed content. Retries while readers hold old snapshots;
    /// returns whether the WAL was emptied.
    @discardableResult
    public func scrub(attempts: Int = 20) -> Bool {
        guard let pool = state.withLock({ $0.live?.pool }) else { return true }
        for _ in 0..<max(attempts, 1) {
            let done = (try? pool.writeWithoutTransaction { db -> Bool in
                let (frames, checkpointed) = try db.checkpoint(.truncate)
                return frames == 0 || frames == checkpointed
            }) ?? false
            if done { return true }
            usleep(50_000)
        }
        return false
    }

    /// Copies the live model's write-ahead log into its database file: a passive checkpoint on a
    /// connection of its own, so the runner's writes never wait for it (they no longer checkpoint
    /// when they commit). `ProjectionSet.run()` calls it every second off the runners' threads; a
    /// model closed meanwhile is checkpointed by SQLite as it closes. Returns the WAL frames left
    /// to copy (readers on old snapshots can hold some back), `nil` when there is no live model.
    @discardableResult
    public func checkpointWAL() -> Int32? {
        guard let file = state.withLock({ $0.live?.file }) else { return nil }
        var handle: OpaquePointer?
        let path = directory.appendingPathComponent(file).path
        defer { sqlite3_close_v2(handle) }
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else { return nil }
        // Through the pragma, not sqlite3_wal_checkpoint_v2: a connection that has read nothing yet
        // has not opened the WAL, and the C call then reports -1 frames and copies none.
        var statement: OpaquePointer?
        defer { sqlite3_finalize(statement) }
        guard sqlite3_prepare_v2(handle, "PRAGMA wal_checkpoint(PASSIVE)", -1, &statement, nil) == SQLITE_OK,
              sqlite3_step(statement) == SQLITE_ROW else { return nil }
        let frames = sqlite3_column_int(statement, 1), copied = sqlite3_column_int(statement, 2)
        return max(frames - copied, 0)
    }
}
