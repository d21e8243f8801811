import CFileWriteback
import Foundation
import GRDB
import Synchronization

/// Blue/green builds: a new model is written beside the live one (`beginBuild`, then `apply` to
/// `.building`), indexed once its rows are in (`indexBuild`), made durable and swapped in
/// (`promoteBuild`), or discarded (`failBuild`, the next `beginBuild`).
extension SQLiteProjectionStorage {
    /// How often a build commits: seldom, only so that another process (`protalent stats`) sees
    /// its checkpoint move.
    static let buildCommitInterval = Duration.seconds(5)

    public func beginBuild() throws {
        let (projection, oldBuilding, nextFile) = state.withLock { state -> (Projection, Build?, String) in
            let live = state.live?.file ?? ""
            let generation = Self.generation(of: live) + 1
            let old = state.building
            state.building = nil
            return (state.projection, old, "\(state.projection.name).\(generation).sqlite")
        }
        if let oldBuilding { try? oldBuilding.queue.close() }
        let queue = try Self.createBuild(of: projection, at: directory.appendingPathComponent(nextFile).path)
        state.withLock {
            $0.building = Build(file: nextFile, queue: queue, projection: projection)
        }
    }

    /// Creates the file of an empty build of `projection` (schema, version, position 0).
    private static func createBuild(of projection: Projection, at path: String) throws -> DatabaseQueue {
        removeDatabase(at: path)
        let queue = try openBuild(path)
        try queue.write { db in
            do {
                try db.execute(sql: projection.definition.schema)
            } catch let error as DatabaseError {
                throw ProjectionFileError(file: projection.file, line: projection.definition.schemaLine, message: "the schema fails: \(error.message ?? "\(error.resultCode)")")
            }
            try db.execute(sql: """
                CREATE TABLE _projection_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    version TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    error_position INTEGER,
                    error_type TEXT,
                    error_message TEXT
                );
                """)
            try db.execute(sql: "INSERT INTO _projection_state (id, version, position) VALUES (1, ?, 0)", arguments: [projection.version])
            try prepareAll(projection, db)
        }
        return queue
    }

    /// After a failed write to a build (no journal, so no rollback): empties its file and records
    /// `failure` (when an event failed) with the checkpoint before it; the build can no longer be
    /// promoted.
    func failBuild(recording failure: ProjectionFailure?) throws {
        guard let building = state.withLock({ $0.building }) else { return }
        state.withLock { state in
            if state.building?.file == building.file { state.building?.failed = true }
        }
        guard let failure else { return }
        try? building.queue.close()
        let queue = try Self.createBuild(of: building.projection, at: directory.appendingPathComponent(building.file).path)
        try queue.write { db in try Self.saveCheckpoint(db, position: failure.position - 1, failure: failure) }
        state.withLock { state in
            if state.building?.file == building.file { state.building?.queue = queue }
        }
    }

    /// Runs `body` in the build's transaction, begun by its first batch after a commit; commits
    /// every `buildCommitInterval` and once its rows are all in (`indexBuild`). Nobody reads a
    /// build before it goes live and a crash discards it, so its batches need not be committed one
    /// by one: the page cache writes what it cannot hold as it fills, and a page that many batches
    /// dirty (a leaf of an index on random ids) is written once rather than at each commit
    /// (docs/performance.md, "Build commits").
    func writeBuild(_ queue: DatabaseQueue, _ body: (Database) throws -> Void) throws {
        let now = ContinuousClock.now
        let due = state.withLock { state -> Bool in
            guard state.building?.queue === queue else { return true } // no longer the build: nothing else will commit it
            guard let last = state.building?.committed, now - last >= Self.buildCommitInterval else { return false }
            state.building?.committed = now
            return true
        }
        try queue.writeWithoutTransaction { db in
            if !db.isInsideTransaction { try db.beginTransaction() }
            try body(db)
            if due { try db.commit() }
        }
    }

    /// Asks the kernel to start writing the file's dirty pages to disk, without waiting, once a
    /// build's rows and indexes are in: a build is written without fsync, and `promoteBuild`'s
    /// fsync then waits only for what is left while the other builds still run (docs/performance.md,
    /// "Early writeback").
    private static func startWriteback(_ path: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return }
        _ = protalent_start_writeback(fd) // only a hint: the fsync before promotion is what counts
        close(fd)
    }

    /// Commits what a build applied since its last commit.
    static func commitBuild(_ queue: DatabaseQueue) throws {
        try queue.writeWithoutTransaction { db in
            if db.isInsideTransaction { try db.commit() }
        }
    }

    public func indexBuild() throws {
        guard let building = state.withLock({ $0.building }) else { throw ReadModelError.noBuild(name) }
        guard !building.failed else { throw ReadModelError.failedBuild(name) }
        try Self.commitBuild(building.queue)
        guard !building.indexed else { return }
        // Sorting the finished rows once is several times cheaper than keeping the b-trees up to date
        // row by row (docs/performance.md, "Deferred indexes").
        try building.queue.write { db in
            for statement in building.projection.definition.deferredIndexes { try db.execute(sql: statement.sql) }
        }
        Self.startWriteback(directory.appendingPathComponent(building.file).path)
        state.withLock { state in
            if state.building?.file == building.file { state.building?.indexed = true }
        }
    }

    public func promoteBuild() throws {
        try indexBuild()
        guard let building = state.withLock({ $0.building }) else { throw ReadModelError.noBuild(name) }
        // Make the build durable (it was written without fsync), then reopen it as a WAL pool.
        try building.queue.close()
        let path = directory.appendingPathComponent(building.file).path
        let fd = open(path, O_RDWR)
        guard fd >= 0, fsync(fd) == 0 else {
            let code = errno
            if fd >= 0 { close(fd) }
            throw ReadModelError.io("fsync", path, code)
        }
        close(fd)
        let pool = try Self.openPool(path)
        let live = Model(file: building.file, pool: pool, builtBy: building.projection)
        try Self.pointLive(at: building.file, of: name, in: directory)
        let deletable = state.withLock { state -> [String] in
            if let old = state.live { state.retired.append(Retired(file: old.file, pool: old.pool)) }
            state.live = live
            state.building = nil
            let gone = state.retired.filter { $0.pool == nil }.map(\.file)
            state.retired.removeAll { $0.pool == nil }
            return gone
        }
        for file in deletable { Self.removeDatabase(at: directory.appendingPathComponent(file).path) }
    }

    /// Deletes files of models replaced by a swap whose last reader has finished.
    public func removeRetiredFiles() {
        let deletable = state.withLock { state -> [String] in
            let gone = state.retired.filter { $0.pool == nil }.map(\.file)
            state.retired.removeAll { $0.pool == nil }
            return gone
        }
        for file in deletable { Self.removeDatabase(at: directory.appendingPathComponent(file).path) }
    }

    /// Prepares every handler statement once, so SQL errors surface at build time with their line.
    private static func prepareAll(_ projection: Projection, _ db: Database) throws {
        let definition = projection.definition
        let all = definition.handlers.values.flatMap { $0 } + definition.everyEvent + definition.afterBatch + definition.deferredIndexes
        for statement in all {
            do {
                _ = try db.makeStatement(sql: statement.sql)
            } catch let error as DatabaseError {
                throw ProjectionFileError(file: projection.file, line: statement.line, message: error.message ?? "\(error.resultCode)")
            }
        }
    }

    /// The connection of a build: nobody reads it before it is promoted and a crash discards it,
    /// so no fsync, no WAL and no rollback journal (a failed batch empties the build instead). A
    /// page cache of its own keeps the b-trees being filled in memory between commits.
    private static func openBuild(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.label = URL(fileURLWithPath: path).lastPathComponent
        configuration.busyMode = .timeout(10) // `protalent stats` may be reading its checkpoint
        configuration.allowsUnsafeTransactions = true // a transaction spans several batches
        configuration.prepareDatabase { db in
            // 16 KiB pages (set before the file's first write; the live model keeps them): a
            // quarter as many pages to split and balance as with 4 KiB (docs/performance.md, "Build page size").
            try db.execute(sql: "PRAGMA page_size = 16384")
            // No rollback journal: copying each page a batch first touches into it cost 13 % of a
            // rebuild. A failed batch empties the build instead (`failBuild`).
            try db.execute(sql: "PRAGMA journal_mode = OFF")
            try db.execute(sql: "PRAGMA synchronous = OFF")
            // 32 MiB: more only faults in fresh memory, less is slower (docs/performance.md, "Build page cache").
            try db.execute(sql: "PRAGMA cache_size = -32768")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // CREATE INDEX may sort with a helper thread: the deferred indexes of the builds that
            // finish last run while other builds are done (docs/performance.md, "Sorter threads").
            try db.execute(sql: "PRAGMA threads = 2")
            try ProjectionFunctions.install(in: db)
        }
        return try DatabaseQueue(path: path, configuration: configuration)
    }
}
