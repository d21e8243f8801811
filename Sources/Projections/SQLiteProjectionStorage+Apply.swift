import EventLog
import GRDB
import Synchronization

/// Batches applied to a model: each event through its type's statements, then the
/// `-- @after-batch` statements and the checkpoint, in one transaction; a failing event is
/// recorded with the checkpoint before it.
extension SQLiteProjectionStorage {
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

    static func saveCheckpoint(_ db: Database, position: Int64?, failure: ProjectionFailure?) throws {
        if let position {
            try db.cachedStatement(sql: "UPDATE _projection_state SET position = ? WHERE id = 1").execute(arguments: [position])
        }
        try db.cachedStatement(sql: "UPDATE _projection_state SET error_position = ?, error_type = ?, error_message = ? WHERE id = 1")
            .execute(arguments: [failure?.position, failure?.eventType, failure?.message])
    }
}
