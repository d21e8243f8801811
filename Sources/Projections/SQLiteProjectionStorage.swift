import EventSourcing
public import Foundation
public import GRDB
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
///
/// One concern per file: the model files (`+Layout`), the live model's WAL (`+Checkpoints`), the
/// build, promotion and discard of a new model (`+BlueGreen`), and batches (`+Apply`).
public final class SQLiteProjectionStorage: ProjectionStorage {
    /// The projection the next build uses (the live model keeps the statements it was built with).
    public var projection: Projection { state.withLock { $0.projection } }
    /// The directory of the read-model files.
    public let directory: URL
    /// The projection's name (every version has the same).
    public let name: String

    /// The live model.
    struct Model {
        var file: String
        var pool: DatabasePool
        /// The version of the file that built it, whose statements apply events to it; `nil` when
        /// that version's file is gone (opened after the file changed): such a model only answers
        /// queries until replaced.
        var builtBy: Projection?
    }

    /// The model being built beside the live one.
    struct Build {
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

    /// A model replaced by a swap, whose file is deleted once its last reader lets go of its pool.
    final class Retired {
        let file: String
        weak var pool: DatabasePool?
        init(file: String, pool: DatabasePool) {
            self.file = file
            self.pool = pool
        }
    }

    /// Which version the next build uses, and the models.
    struct State {
        var projection: Projection
        var live: Model?
        var building: Build?
        var retired: [Retired] = []
    }

    // Mutable state behind a lock; `DatabasePool` is Sendable, `Retired` only lives inside the lock.
    let state: Mutex<State>

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

    // MARK: ProjectionStorage

    public func adopt(_ projection: Projection) {
        precondition(projection.name == name, "a storage keeps one projection name")
        state.withLock { $0.projection = projection }
    }

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

    /// The `_projection_state` row of a model, `nil` in a file that has none yet.
    public static func fetchState(_ db: Database) throws -> ProjectionState? {
        guard let row = try Row.fetchOne(db, sql: "SELECT version, position, error_position, error_type, error_message FROM _projection_state WHERE id = 1") else {
            return nil
        }
        var failure: ProjectionFailure?
        if let position: Int64 = row["error_position"] {
            failure = ProjectionFailure(position: position, eventType: row["error_type"] ?? "", message: row["error_message"] ?? "")
        }
        return ProjectionState(version: row["version"], position: row["position"], failure: failure)
    }

    // MARK: Reading

    /// Runs `body` on a read-only connection of the live model: a consistent snapshot, never a
    /// half-built model. Map rows to `Sendable` values inside `body`.
    ///
    /// Inside a traced request the read is a `query <name>.<query>` span.
    ///
    /// - Parameter query: the query's name in its span; by default the calling function's.
    /// - Throws: `ReadModelError.notBuilt` before the first build finishes.
    public func read<T: Sendable>(query: String = #function, _ body: @Sendable (Database) throws -> T) throws -> T {
        guard let pool = state.withLock({ $0.live?.pool }) else { throw ReadModelError.notBuilt(name) }
        return try ReadSideSpans.query(query, readModel: name) { try pool.read(body) }
    }

    /// The live model's pool, to hold for several reads (it stays usable after a swap).
    public var reader: (any DatabaseReader)? { state.withLock { $0.live?.pool } }

    /// The live model's file name (changes at each swap).
    public var liveFile: String? { state.withLock { $0.live?.file } }

    /// Whether the live model exists and can follow the log (it was built by a version whose
    /// statements this process has).
    public var canApplyToLive: Bool { state.withLock { $0.live?.builtBy != nil } }

    /// The connection pool of a live model, in WAL mode.
    static func openPool(_ path: String) throws -> DatabasePool {
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
}
