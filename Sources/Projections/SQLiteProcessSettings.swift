import CSQLiteTuning

/// Process-wide SQLite settings, made once before the first connection opens.
enum SQLiteProcessSettings {
    /// Call before opening any database. Without memory statistics, parallel rebuilds stop
    /// serialising on SQLite's global allocator mutex (it cost a third of a 10-projection rebuild's
    /// CPU time in futex waits). Too late once SQLite is initialized: then it changes nothing.
    static func apply() {
        _ = applied
    }

    private static let applied: Int32 = protalent_sqlite_disable_memstatus()
}
