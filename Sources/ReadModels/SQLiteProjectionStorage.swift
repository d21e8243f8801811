import EventLog
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
public final class SQLiteProjectionStorage: ProjectionStorage {
    /// The projection stored.
    public let projection: Projection
    /// The directory of the read-model files.
    public let directory: URL
    private let plans: (byType: [String: Plan], other: Plan)

    private struct Model {
        var file: String
        var pool: DatabasePool
    }

    private final class Retired {
        let file: String
        weak var pool: DatabasePool?
        init(file: String, pool: DatabasePool) {
            self.file = file
            self.pool = pool
        }
    }

    private struct State {
        var live: Model?
        var building: Model?
        var retired: [Retired] = []
    }

    // Mutable state behind a lock; `DatabasePool` is Sendable, `Retired` only lives inside the lock.
    private let state: Mutex<State>

    /// Opens the projection's live model in `directory` (created if missing), if there is one.
    public init(projection: Projection, directory: URL) throws {
        self.projection = projection
        self.directory = directory
        plans = Self.plans(projection.definition)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var initial = State()
        let pointer = directory.appendingPathComponent("\(projection.name).current")
        if let data = FileManager.default.contents(atPath: pointer.path),
           let file = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
           FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path) {
            initial.live = Model(file: file, pool: try Self.openPool(directory.appendingPathComponent(file).path))
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
        guard let pool = state.withLock({ $0.live?.pool }) else { throw ReadModelError.notBuilt(projection.name) }
        return try pool.read(body)
    }

    /// The live model's pool, to hold for several reads (it stays usable after a swap).
    public var reader: (any DatabaseReader)? { state.withLock { $0.live?.pool } }

    /// The live model's file name (changes at each swap).
    public var liveFile: String? { state.withLock { $0.live?.file } }

    // MARK: ProjectionStorage

    public func state(of target: ProjectionTarget) throws -> ProjectionState? {
        guard let pool = model(target)?.pool else { return nil }
        return try pool.read { db in try Self.fetchState(db) }
    }

    public func beginBuild() throws {
        let projection = self.projection
        let (oldBuilding, nextFile) = state.withLock { state -> (Model?, String) in
            let live = state.live?.file ?? ""
            let generation = Self.generation(of: live, name: projection.name) + 1
            let old = state.building
            state.building = nil
            return (old, "\(projection.name).\(generation).sqlite")
        }
        if let oldBuilding { try? oldBuilding.pool.close() }
        let path = directory.appendingPathComponent(nextFile).path
        Self.removeDatabase(at: path)
        let pool = try Self.openPool(path)
        try pool.write { db in
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
            try Self.prepareAll(projection, db)
        }
        state.withLock { $0.building = Model(file: nextFile, pool: pool) }
    }

    public func apply(_ events: [ProjectionEvent], to target: ProjectionTarget) throws -> ProjectionFailure? {
        guard !events.isEmpty else { return nil }
        guard let pool = model(target)?.pool else { throw ReadModelError.notBuilt(projection.name) }
        let plans = self.plans
        let file = projection.file
        do {
            try pool.write { db in
                for index in events.indices {
                    do {
                        try Self.applyOne(events[index], plans, db)
                    } catch let error as StatementFailure {
                        throw FailedAt(index: index, failure: error.failure(events[index], file: file))
                    }
                }
                try Self.saveCheckpoint(db, position: events[events.count - 1].record.position, failure: nil)
            }
            return nil
        } catch let failed as FailedAt {
            // The batch rolled back: apply what came before the failing event and record the failure, atomically.
            let applied = events[..<failed.index]
            let checkpoint = applied.last?.record.position
            try pool.write { db in
                for event in applied { try Self.applyOne(event, plans, db) }
                try Self.saveCheckpoint(db, position: checkpoint, failure: failed.failure)
            }
            return failed.failure
        }
    }

    public func recordFailure(_ failure: ProjectionFailure, in target: ProjectionTarget) throws {
        guard let pool = model(target)?.pool else { throw ReadModelError.notBuilt(projection.name) }
        try pool.write { db in try Self.saveCheckpoint(db, position: nil, failure: failure) }
    }

    public func promoteBuild() throws {
        guard let building = state.withLock({ $0.building }) else { throw ReadModelError.noBuild(projection.name) }
        // Make the build durable before pointing at it.
        _ = try building.pool.writeWithoutTransaction { db in try db.checkpoint(.full) }
        let pointer = directory.appendingPathComponent("\(projection.name).current")
        let temporary = directory.appendingPathComponent("\(projection.name).current.tmp")
        try Data((building.file + "\n").utf8).write(to: temporary)
        let fd = open(temporary.path, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
        guard rename(temporary.path, pointer.path) == 0 else {
            throw ReadModelError.io("rename", temporary.path, errno)
        }
        let dfd = open(directory.path, O_RDONLY)
        if dfd >= 0 { fsync(dfd); close(dfd) }
        let deletable = state.withLock { state -> [String] in
            if let old = state.live { state.retired.append(Retired(file: old.file, pool: old.pool)) }
            state.live = building
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

    private func model(_ target: ProjectionTarget) -> Model? {
        state.withLock { target == .live ? $0.live : $0.building }
    }

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

    /// The statements and parameters of each event type, worked out once.
    private struct Plan: Sendable {
        var statements: [ProjectionDefinition.Statement]
        var parameters: Set<String>
    }

    private static func plans(_ definition: ProjectionDefinition) -> (byType: [String: Plan], other: Plan) {
        var byType: [String: Plan] = [:]
        for type in definition.handlers.keys {
            byType[type] = Plan(statements: definition.statements(for: type), parameters: definition.parameters(for: type))
        }
        let other = Plan(statements: definition.everyEvent, parameters: definition.parameters(for: ""))
        return (byType, other)
    }

    private static func applyOne(_ event: ProjectionEvent, _ plans: (byType: [String: Plan], other: Plan), _ db: Database) throws {
        let record = event.record
        let plan = plans.byType[record.type] ?? plans.other
        guard !plan.statements.isEmpty else { return }
        var values: [String: (any DatabaseValueConvertible)?] = [:]
        values.reserveCapacity(plan.parameters.count)
        for name in plan.parameters {
            switch name {
            case "position": values[name] = record.position
            case "stream": values[name] = record.stream
            case "version": values[name] = record.streamVersion
            case "type": values[name] = record.type
            case "eventId": values[name] = record.eventId.uuidString.lowercased()
            case "time": values[name] = ISO8601Micros.format(record.timestampMicros)
            case "timeMicros": values[name] = record.timestampMicros
            case "actor": values[name] = record.metadata.actor
            case "payload": values[name] = event.payload
            default: break
            }
        }
        let arguments = StatementArguments(values)
        for statement in plan.statements {
            do {
                let prepared = try db.cachedStatement(sql: statement.sql)
                prepared.setUncheckedArguments(arguments)
                try prepared.execute()
            } catch {
                throw StatementFailure(statement: statement, error: error)
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

    private static func fetchState(_ db: Database) throws -> ProjectionState? {
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
        let all = projection.definition.handlers.values.flatMap { $0 } + projection.definition.everyEvent
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
        }
        return try DatabasePool(path: path, configuration: configuration)
    }

    private static func generation(of file: String, name: String) -> Int {
        let parts = file.split(separator: ".")
        guard parts.count >= 3, let number = Int(parts[parts.count - 2]) else { return 0 }
        return number
    }

    private static func removeDatabase(at path: String) {
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
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
