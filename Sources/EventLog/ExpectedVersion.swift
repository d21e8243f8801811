/// What an appender believes about a stream before appending to it (optimistic concurrency).
public enum ExpectedVersion: Sendable, Hashable, CustomStringConvertible {
    /// No check.
    case any
    /// The stream must not exist yet (no event was ever appended to it).
    case noStream
    /// The stream must exist (have at least one event).
    case exists
    /// The stream's current version must be exactly this (0 means: no stream yet).
    case exactly(Int64)

    /// Whether a stream at `current` version (0 for none) satisfies the expectation.
    public func isSatisfied(by current: Int64) -> Bool {
        switch self {
        case .any: true
        case .noStream: current == 0
        case .exists: current > 0
        case .exactly(let version): current == version
        }
    }

    public var description: String {
        switch self {
        case .any: "any"
        case .noStream: "no stream"
        case .exists: "exists"
        case .exactly(let version): "exactly \(version)"
        }
    }
}

/// The events to append to one stream, with the version the appender expects it to have.
public struct StreamAppend: Sendable, Hashable {
    /// The stream's name (at most 65,535 UTF-8 bytes, not empty).
    public var stream: String
    /// The optimistic-concurrency expectation.
    public var expectedVersion: ExpectedVersion
    /// The events, in order.
    public var events: [ProposedEvent]

    /// Creates a stream append.
    public init(stream: String, expectedVersion: ExpectedVersion = .any, events: [ProposedEvent]) {
        self.stream = stream
        self.expectedVersion = expectedVersion
        self.events = events
    }
}

/// What a successful append tells its caller.
public struct AppendResult: Sendable, Hashable {
    /// The position of the append's first event.
    public var firstPosition: Int64
    /// The position of the append's last event (what a command returns in `X-Log-Position`).
    public var lastPosition: Int64
    /// Each stream's version after the append.
    public var streamVersions: [String: Int64]
    /// True when every event was already stored and nothing was written (an idempotent retry).
    public var wasDuplicate: Bool
    /// When the writer took the append and fsynced its batch; `nil` when this call waited for no
    /// fsync (a retry of events already durable, or a log opened without fsync).
    public var timing: AppendTiming?

    /// Creates a result.
    public init(firstPosition: Int64, lastPosition: Int64, streamVersions: [String: Int64], wasDuplicate: Bool, timing: AppendTiming? = nil) {
        self.firstPosition = firstPosition
        self.lastPosition = lastPosition
        self.streamVersions = streamVersions
        self.wasDuplicate = wasDuplicate
        self.timing = timing
    }
}
