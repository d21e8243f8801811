public import EventLog

/// An event ready for a projection: the record and its payload with personal data revealed or erased.
///
/// Immutable and boxed: a rebuild hands the same event to every build, and copying it is one
/// reference count, not one per string and array of the record (those copies were 6 % of a rebuild).
public struct ProjectionEvent: Sendable {
    private final class Storage: Sendable {
        let record: RecordedEvent
        let payload: [UInt8]
        let fields: TopLevelJSONFields
        init(record: RecordedEvent, payload: [UInt8]) {
            self.record = record
            self.payload = payload
            var fields = TopLevelJSONFields()
            if !payload.isEmpty { payload.withUnsafeBufferPointer { fields.scan($0) } }
            self.fields = fields
        }
    }

    private let storage: Storage
    /// The number of the event's type in the rebuild batch that made it (`RevealedBatch.types`),
    /// -1 outside one: a build finds its statements by it, not by hashing the type per event.
    /// Beside the storage, not in it: a build skips the events it does not handle by this number
    /// alone, reading the batch's array without touching each event's storage.
    let typeNumber: Int

    /// The event as stored.
    public var record: RecordedEvent { _read { yield storage.record } }
    /// The payload's JSON bytes, `{"enc":…,"sub":…}` fields replaced (see `PersonalDataRevealer`);
    /// bytes rather than a `String`, which would copy and validate them once more (they were
    /// written from Swift strings, and the log checks every batch).
    public var payload: [UInt8] { _read { yield storage.payload } }
    /// Where the payload's top-level fields are: found once per event, when it is made, for every
    /// build that binds them (each scanned it again: ~3 % of a rebuild).
    var fields: TopLevelJSONFields { _read { yield storage.fields } }

    /// Creates an event for a projection.
    public init(record: RecordedEvent, payload: [UInt8]) {
        storage = Storage(record: record, payload: payload)
        typeNumber = -1
    }

    /// An event of a rebuild batch whose distinct types are numbered (`RevealedBatch`).
    init(record: RecordedEvent, payload: [UInt8], typeNumber: Int) {
        storage = Storage(record: record, payload: payload)
        self.typeNumber = typeNumber
    }
}

/// Why a projection stopped: the event it could not apply and the error. It is not skipped.
public struct ProjectionFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The position of the event that failed (the checkpoint is the position before it).
    public var position: Int64
    /// Its type.
    public var eventType: String
    /// The storage's error, with the statement's line in the projection file.
    public var message: String

    /// Creates a failure.
    public init(position: Int64, eventType: String, message: String) {
        self.position = position
        self.eventType = eventType
        self.message = message
    }

    public var description: String { "event \(position) (\(eventType)): \(message)" }
}

/// What a read model records about itself, in the same transaction as its rows.
public struct ProjectionState: Sendable, Equatable {
    /// The projection version that built it.
    public var version: String
    /// The position of the last applied event (0 before the first).
    public var position: Int64
    /// Why it stopped, if it did.
    public var failure: ProjectionFailure?

    /// Creates a state.
    public init(version: String, position: Int64, failure: ProjectionFailure? = nil) {
        self.version = version
        self.position = position
        self.failure = failure
    }
}

/// Which of a projection's models an operation targets.
public enum ProjectionTarget: Sendable, Equatable {
    /// The model queries read.
    case live
    /// The model being rebuilt beside it.
    case building
}

/// Where a projection's rows live: the seam that keeps `ProjectionRunner` independent of SQLite
/// (`SQLiteProjectionStorage` today; a PostgreSQL target could follow).
///
/// Contract: `apply` writes the rows of the events and moves the checkpoint to the batch's last
/// position, atomically; the events are those of the batch the projection handles (the others need
/// no row, only the checkpoint). If the event at index k fails, the events before it are applied and
/// the failure recorded with the checkpoint at the position before event k, atomically, and the
/// failure returned. A build (never read, never resumed) may instead keep only the failure and
/// that checkpoint, without rows, and then refuses to be promoted.
public protocol ProjectionStorage: Sendable {
    /// The projection the next build uses (see `adopt`).
    var projection: Projection { get }
    /// Makes `projection` (a new version of the same file) the one the next build uses; the live
    /// model keeps applying the statements it was built with until that build is promoted.
    func adopt(_ projection: Projection)
    /// Whether the live model exists and can apply events: it was built by a version of the file
    /// whose statements this process has (else it only answers queries until a build replaces it).
    var canApplyToLive: Bool { get }
    /// The stored state of `target`, `nil` when it does not exist.
    func state(of target: ProjectionTarget) throws -> ProjectionState?
    /// Discards any unfinished build and creates an empty model (schema, version, position 0).
    func beginBuild() throws
    /// Applies `events` to `target` and moves its checkpoint to `position` (see the contract above).
    func apply(_ events: [ProjectionEvent], through position: Int64, to target: ProjectionTarget) throws -> ProjectionFailure?
    /// Records a failure that happened before storage (a payload that could not be revealed).
    func recordFailure(_ failure: ProjectionFailure, in target: ProjectionTarget) throws
    /// Creates the indexes the file defers to the end of a build (`-- @indexes`), once;
    /// `promoteBuild` does it first if it was not done.
    func indexBuild() throws
    /// Makes the build the live model, atomically for readers.
    func promoteBuild() throws
}
