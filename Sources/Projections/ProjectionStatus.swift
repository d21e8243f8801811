/// How a projection is doing, for `protalent stats` and `GET /admin/projections`.
public struct ProjectionStatus: Sendable, Equatable {
    /// What the runner is doing.
    public enum State: String, Sendable, Equatable {
        /// Not started, or stopped.
        case idle
        /// Reading the log up to its head.
        case catchingUp = "catching-up"
        /// Following the log live.
        case running
        /// Building a new version beside the live one.
        case rebuilding
        /// Stopped at an event it could not apply (see `failure`).
        case failed
        /// The live model was built by another version of the file; a rebuild is due (seen by
        /// `ProjectionSet.inspect`, which reads the files of a data directory without running them).
        case stale
        /// No live model yet.
        case notBuilt = "not-built"
    }

    /// The projection's name.
    public var name: String
    /// The version of the projection file.
    public var version: String
    /// The version the live model was built with (differs from `version` until a rebuild swaps in).
    public var liveVersion: String?
    /// The position of the last event applied to the live model.
    public var checkpoint: Int64
    /// The log's head position.
    public var head: Int64
    /// What the runner is doing.
    public var state: State
    /// The event it stopped at, if it did.
    public var failure: ProjectionFailure?
    /// How far the rebuild under way is, if one is.
    public var rebuild: RebuildProgress?
    /// Why the newest version of the projection file was refused, when it does not parse: a running
    /// `ProjectionSet` keeps the version it has until the file is fixed (`ProjectionSet.inspect`,
    /// which runs nothing, leaves it `nil`).
    public var refusedFile: ProjectionFileError?

    /// Events the live model is behind the log.
    public var lag: Int64 { max(0, head - checkpoint) }
}

/// Progress of a rebuild: events applied to the new model, and the log head it aims at.
public struct RebuildProgress: Sendable, Equatable {
    /// Events read and applied so far.
    public var done: Int64
    /// The log head when the rebuild started (it grows if events keep coming).
    public var total: Int64

    /// Creates a progress report.
    public init(done: Int64, total: Int64) {
        self.done = done
        self.total = total
    }
}
