import CFileWriteback
import EventLog
public import Foundation
public import GRDB
import GRDBSQLite
import Synchronization

/// A projection's read model in SQLite files under `<data>/readmodels/`, in WAL mode, read through
/// a `DatabasePool`.
///
/// Files: `<name>.<generation>.sqlite` (with its `-wal` and `-shm`), and `<name>.current`, a
/// pointer holding the live file's name. A rebuild writes generation n+1 beside the live one; the
/// swap rewrites the pointer atomically (temporary file, fsync, rename) and replaces the pool that
/// `read` hands out. A reader already inside `read` finishes on the old pool, which closes when its
/// last reader lets go; the old file is deleted once its pool is gone (or at the next open). No file
/// is ever renamed over one that a connection has open, so WAL files never get mixed up.
///
/// Each file holds the projection's tables and `_projection_state`, a single-row table (version,
/// last applied position, last failure) written in the same transaction as the rows.
///
/// A build is written through one connection without a rollback journal and with
/// `synchronous = OFF`: nobody reads the file before it is promoted, a crash discards it, and
/// `promoteBuild` fsyncs it before pointing at it. It switches to WAL when it goes live. Without a
/// journal a batch cannot be rolled back: a build whose event fails is emptied and keeps only its
/// failure and checkpoint; it can no longer be promoted, and the next build starts from 0 anyway.
public final class SQLiteProjectionStorage: ProjectionStorage {
    /// The projection the next build uses (the live model keeps the statements it was built with).
    public var projection: Projection { state.withLock { $0.projection } }
    /// The directory of the read-model files.
    public let directory: URL
    /// The projection's name (every version has the same).
    public let name: String

    private struct Model {
        var file: String
        var pool: DatabasePool
        /// The version of the file that built it, whose statements apply events to it; `nil` when
        /// that version's file is gone (opened after the file changed): such a model only answers
        /// queries until replaced.
        var builtBy: Projection?
    }

    private struct Build {
        var file: String
        var queue: DatabaseQueue
        /// The version it is built by (its `-- @indexes` run once, by `indexBuild`).
        var projection: Projection
        var indexed = false
        /// An event failed (or a write did): the file holds no usable rows.
        var failed = false
        /// When the build last committed (`buildCommitInterval`).
        var committed = ContinuousClock.now
    }

    /// How often a build commits: seldom, only so that another process (`protalent stats`) sees
    /// its checkpoint move.
    static let buildCommitInterval = Duration.seconds(5)

    private final class Retired {
        let file: String
        weak var pool: DatabasePool?
        init(file: String, pool: DatabasePool) {
            self.file = file
            self.pool = pool
        }
    }

    private struct State {
        var projection: Projection
        var live: Model?
        var building: Build?
        var retired: [Retired] = []
    }

    // Mutable state behind a lock; `DatabasePool` is Sendable, `Retired` only lives inside the lock.
    private let state: Mutex<State>

    /// Opens the projection's live model in `directory` (created if missing), if there is one.
    ///
    /// The live model is followed with `projection`'s statements only if it was built by that
    /// version; otherwise it only answers queries until a build replaces it.
    public init(projection: Projection, directory: URL) throws {
        self.directory = directory
        name = projection.name
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var initial = State(projection: projection)
        if let file = Self.liveFileName(of: projection.name, in: directory) {
            let pool = try Self.openPool(directory.appendingPathComponent(file).path)
            let version = try pool.read { db in try Self.fetchState(db)?.version }
            initial.live = Model(file: file, pool: pool, builtBy: version == projection.version ? projection : nil)
        }
        state = Mutex(initial)
        Self.removeFiles(of: projection.name, in: directory, except: initial.live?.file)
    }

    // MARK: Reading

    /// Runs `body` on a read-only connection of the live model: a consistent snapshot, never a
    /// half-built model. Map rows to `Sendable` values inside `body`.
    ///
    /// - Throws: `ReadModelError.notBuilt` before the first build finishes.
    public func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T {
        guard let pool = state.withLock({ $0.live?.pool }) else { throw ReadModelError.notBuilt(name) }
        return try pool.read(body)
    }

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

    /// The live model's pool, to hold for several reads (it stays usable after a swap).
    public var reader: (any DatabaseReader)? { state.withLock { $0.live?.pool } }

    /// The live model's file name (changes at each swap).
    public var liveFile: String? { state.withLock { $0.live?.file } }

    /// Whether the live model exists and can follow the log (it was built by a version whose
    /// statements this process has).
    public var canApplyToLive: Bool { state.withLock { $0.live?.builtBy != nil } }

    // MARK: ProjectionStorage

    public func state(of target: ProjectionTarget) throws -> ProjectionState? {
        switch target {
        case .live:
            guard let pool = state.withLock({ $0.live?.pool }) else { return nil }
            return try pool.read { db in try Self.fetchState(db) }
        case .building:
            guard let queue = state.withLock({ $0.building?.queue }) else { return nil }
            return try queue.read { db in try Self.fetchState(db) }
        }
    }

    public func adopt(_ projection: Projection) {
        precondition(projection.name == name, "a storage keeps one projection name")
        state.withLock { $0.projection = projection }
    }

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
    private func failBuild(recording failure: ProjectionFailure?) throws {
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

    public func apply(_ events: [ProjectionEvent], through position: Int64, to target: ProjectionTarget) throws -> ProjectionFailure? {
        let found = state.withLock { state -> (any DatabaseWriter, Projection?)? in
            switch target {
            case .live: state.live.map { ($0.pool, $0.builtBy) }
            case .building: state.building.map { ($0.queue, $0.projection) }
            }
        }
        guard let (writer, known) = found else { throw ReadModelError.notBuilt(name) }
        guard let projection = known else { throw ReadModelError.stale(name) }
        let pause = target == .live ? MidBatchPause.configured : nil
        do {
            let body = { (db: Database) throws in
                if let pause {
                    // The test hook stops halfway through the batch, inside its transaction.
                    let half = events.count / 2
                    try Self.applyAll(events[..<half], projection, db)
                    pause.reached()
                    try Self.applyAll(events[half...], projection, db)
                } else {
                    try Self.applyAll(events[...], projection, db)
                }
                if !events.isEmpty { try Self.finishBatch(events[...], projection, db) }
                try Self.saveCheckpoint(db, position: position, failure: nil)
            }
            if target == .building, let queue = writer as? DatabaseQueue {
                try writeBuild(queue, body)
            } else {
                try writer.write(body)
            }
            return nil
        } catch let failed as FailedAt where target == .building {
            try failBuild(recording: failed.failure)
            return failed.failure
        } catch let failed as FailedAt {
            // The batch rolled back: apply what came before the failing event and record the failure, atomically.
            let applied = events[..<failed.index]
            let checkpoint = failed.failure.position - 1 // what lies between was not the projection's
            do {
                try writer.write { db in
                    try Self.applyAll(applied, projection, db)
                    if !applied.isEmpty { try Self.finishBatch(applied, projection, db) }
                    try Self.saveCheckpoint(db, position: checkpoint, failure: failed.failure)
                }
                return failed.failure
            } catch let again as FailedAt {
                // The after-batch statements fail on what came before: keep none of the batch's rows.
                try writer.write { db in try Self.saveCheckpoint(db, position: again.failure.position - 1, failure: again.failure) }
                return again.failure
            }
        } catch where target == .building {
            try failBuild(recording: nil)
            throw error
        }
    }

    public func recordFailure(_ failure: ProjectionFailure, in target: ProjectionTarget) throws {
        let writer = state.withLock { state -> (any DatabaseWriter)? in
            target == .live ? state.live?.pool : state.building?.queue
        }
        guard let writer else { throw ReadModelError.notBuilt(name) }
        if let queue = writer as? DatabaseQueue { try Self.commitBuild(queue) }
        try writer.write { db in try Self.saveCheckpoint(db, position: nil, failure: failure) }
    }

    /// Runs `body` in the build's transaction, begun by its first batch after a commit; commits
    /// every `buildCommitInterval` and once its rows are all in (`indexBuild`). Nobody reads a
    /// build before it goes live and a crash discards it, so its batches need not be committed one
    /// by one: the page cache writes what it cannot hold as it fills, and a page that many batches
    /// dirty (a leaf of an index on random ids) is written once rather than at each commit. All
    /// ten on 1M events: 11.79-11.97 s committing only at the end, 12.41-13.00 s every 5 batches
    /// of 20,000 events, 12.86-13.36 s every 2.
    private func writeBuild(_ queue: DatabaseQueue, _ body: (Database) throws -> Void) throws {
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
    /// fsync then waits only for what is left while the other builds still run (the promotion of
    /// all ten models of 1M events, ~880 MB, took 0.73 s at the end of the rebuild, ~0.3 s so;
    /// starting it every few batches as well measured no better).
    private static func startWriteback(_ path: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return }
        _ = protalent_start_writeback(fd) // only a hint: the fsync before promotion is what counts
        close(fd)
    }

    /// Commits what a build applied since its last commit.
    private static func commitBuild(_ queue: DatabaseQueue) throws {
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
        // row by row (audit's indexes, four then, on a million rows: 4.9 s against 12.0 s).
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
        let pointer = directory.appendingPathComponent("\(name).current")
        let temporary = directory.appendingPathComponent("\(name).current.tmp")
        try Data((building.file + "\n").utf8).write(to: temporary)
        let pointerFD = open(temporary.path, O_RDONLY)
        if pointerFD >= 0 { fsync(pointerFD); close(pointerFD) }
        guard rename(temporary.path, pointer.path) == 0 else {
            throw ReadModelError.io("rename", temporary.path, errno)
        }
        let dfd = open(directory.path, O_RDONLY)
        if dfd >= 0 { fsync(dfd); close(dfd) }
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

    // MARK: Internals

    private struct StatementFailure: Error {
        let statement: ProjectionDefinition.Statement
        let error: any Error

        func failure(_ event: ProjectionEvent, file: String) -> ProjectionFailure {
            let text = (error as? DatabaseError).map { "SQLite error \($0.resultCode.rawValue): \($0.message ?? "")" } ?? "\(error)"
            return ProjectionFailure(position: event.record.position, eventType: event.record.type,
                                     message: "\(text) (statement at \(file):\(statement.line))")
        }
    }

    private struct FailedAt: Error {
        let index: Int
        let failure: ProjectionFailure
    }

    /// Applies events to `db` in order, each through its type's statements (bound by `EventBinder`,
    /// prepared once per call); a failing statement throws `FailedAt` with the event's index.
    private static func applyAll(_ events: ArraySlice<ProjectionEvent>, _ projection: Projection, _ db: Database) throws {
        var binders: [String: [EventBinder]] = [:] // by type, for events of no rebuild batch
        var numbered: [[EventBinder]?] = [] // by the rebuild batch's type number
        var handles: [Bool] = [] // by type number: whether it has statements (true until known)
        var values = EventValues()
        let eventsStart = events.startIndex
        // Events are read in place: copying one retains its storage, which the ten builds of a
        // rebuild share across cores, so each copy fought over one cache line (and most builds
        // skip most events).
        try events.withUnsafeBufferPointer { events in
            for offset in events.indices {
                let index = offset + eventsStart
                let number = events[offset].typeNumber
                // Most builds handle few of a batch's types: skip those without copying their
                // (empty) list of statements.
                if number >= 0, number < handles.count, !handles[number] { continue }
                let forType: [EventBinder]
                if number >= 0, number < numbered.count, let known = numbered[number] {
                    forType = known
                } else if number < 0, let known = binders[events[offset].record.type] {
                    forType = known
                } else {
                    let type = events[offset].record.type
                    // The statements of this type, prepared once per call (none: only the checkpoint moves).
                    var made: [EventBinder] = []
                    for statement in projection.definition.statements(for: type) {
                        do {
                            made.append(EventBinder(try db.cachedStatement(sql: statement.sql), source: statement))
                        } catch {
                            throw FailedAt(index: index, failure: StatementFailure(statement: statement, error: error).failure(events[offset], file: projection.file))
                        }
                    }
                    if number >= 0 {
                        if numbered.count <= number { numbered.append(contentsOf: repeatElement(nil, count: number + 1 - numbered.count)) }
                        numbered[number] = made
                        if handles.count <= number { handles.append(contentsOf: repeatElement(true, count: number + 1 - handles.count)) }
                        handles[number] = !made.isEmpty
                    } else {
                        binders[type] = made
                    }
                    forType = made
                }
                guard !forType.isEmpty else { continue }
                // One copy per event handled: passing the event in place to each statement
                // retained and released its shared storage once per statement.
                let event = events[offset]
                values.reset(for: event.record)
                for statement in forType.indices { // by index: iterating copies each binder
                    do {
                        try forType[statement].execute(event, &values)
                    } catch {
                        throw FailedAt(index: index, failure: StatementFailure(statement: forType[statement].source, error: error).failure(event, file: projection.file))
                    }
                }
            }
        }
    }

    /// Runs the `-- @after-batch` statements once for the batch `events` just applied. A failure
    /// is reported at the batch's first event: none of the batch is kept.
    private static func finishBatch(_ events: ArraySlice<ProjectionEvent>, _ projection: Projection, _ db: Database) throws {
        for statement in projection.definition.afterBatch {
            do {
                try db.cachedStatement(sql: statement.sql).execute()
            } catch {
                let first = events[events.startIndex]
                throw FailedAt(index: events.startIndex, failure: StatementFailure(statement: statement, error: error).failure(first, file: projection.file))
            }
        }
    }

    private static func saveCheckpoint(_ db: Database, position: Int64?, failure: ProjectionFailure?) throws {
        if let position {
            try db.cachedStatement(sql: "UPDATE _projection_state SET position = ? WHERE id = 1").execute(arguments: [position])
        }
        try db.cachedStatement(sql: "UPDATE _projection_state SET error_position = ?, error_type = ?, error_message = ? WHERE id = 1")
            .execute(arguments: [failure?.position, failure?.eventType, failure?.message])
    }

    static func fetchState(_ db: Database) throws -> ProjectionState? {
        guard let row = try Row.fetchOne(db, sql: "SELECT version, position, error_position, error_type, error_message FROM _projection_state WHERE id = 1") else {
            return nil
        }
        var failure: ProjectionFailure?
        if let position: Int64 = row["error_position"] {
            failure = ProjectionFailure(position: position, eventType: row["error_type"] ?? "", message: row["error_message"] ?? "")
        }
        return ProjectionState(version: row["version"], position: row["position"], failure: failure)
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

    private static func openPool(_ path: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.label = URL(fileURLWithPath: path).lastPathComponent
        configuration.prepareDatabase { db in
            // The checkpoint commits with the rows; losing the last transactions on power loss
            // only means re-applying them from the log.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Deleted and overwritten content is zeroed, not left in free pages: after an
            // erasure, `scrub()` then leaves no copy of the person's rows in the file.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // No checkpoint inside a commit: it fsyncs, and made the commit that crossed 1,000 WAL
            // pages the slowest of a hundred. `checkpointWAL()` does it on its own connection.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            try ProjectionFunctions.install(in: db)
        }
        return try DatabasePool(path: path, configuration: configuration)
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
            // quarter as many pages to split and balance as with 4 KiB. All ten builds of 1M events:
            // 10.79–11.52 s, 19.9–20.3 user-s against 11.63–11.93 s, 21.0–21.2 with 4 KiB; 8, 32
            // and 64 KiB pages were slower than 16.
            try db.execute(sql: "PRAGMA page_size = 16384")
            // No rollback journal: copying each page a batch first touches into it cost 13 % of a
            // rebuild. A failed batch empties the build instead (`failBuild`).
            try db.execute(sql: "PRAGMA journal_mode = OFF")
            try db.execute(sql: "PRAGMA synchronous = OFF")
            // 32 MiB: with 128, the ten builds of 1M events spent ~0.7 s more of system time,
            // faulting in fresh memory (peak RSS 1.2 against 0.9 GB), and were no faster; 16 MiB
            // measured the same as 32, 8 MiB slower again.
            try db.execute(sql: "PRAGMA cache_size = -32768")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // CREATE INDEX may sort with a helper thread: the deferred indexes of the builds that
            // finish last run while other builds are done (all ten on 1M events: 12.85 s twice
            // against 12.99 and 13.27 s, the same CPU).
            try db.execute(sql: "PRAGMA threads = 2")
            try ProjectionFunctions.install(in: db)
        }
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    /// The live file named by `<name>.current`, if it exists.
    static func liveFileName(of name: String, in directory: URL) -> String? {
        let pointer = directory.appendingPathComponent("\(name).current")
        guard let data = FileManager.default.contents(atPath: pointer.path),
              let file = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path) else { return nil }
        return file
    }

    /// The generation number of a model file name (`<name>.<n>.sqlite`), 0 when it has none.
    static func generation(of file: String) -> Int {
        let parts = file.split(separator: ".")
        guard parts.count >= 3, let number = Int(parts[parts.count - 2]) else { return 0 }
        return number
    }

    private static func removeDatabase(at path: String) {
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
    }

    /// Whether `file` is a model file of `name` (`<name>.<n>.sqlite`, without `-wal` or `-shm`).
    static func isModelFile(_ file: String, of name: String) -> Bool {
        guard file.hasPrefix(name + "."), file.hasSuffix(".sqlite") else { return false }
        let middle = file.dropFirst(name.count + 1).dropLast(".sqlite".count)
        return Int(middle) != nil
    }

    /// Removes model files of `name` other than `keep` (left by a crash during a build or a swap).
    private static func removeFiles(of name: String, in directory: URL, except keep: String?) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for file in names where file.hasPrefix(name + ".") {
            let rest = file.dropFirst(name.count + 1)
            guard let dot = rest.firstIndex(of: "."), Int(rest[..<dot]) != nil, rest[dot...].hasPrefix(".sqlite") else { continue }
            if let keep, file.hasPrefix(keep) { continue }
            unlink(directory.appendingPathComponent(file).path)
        }
    }
}
