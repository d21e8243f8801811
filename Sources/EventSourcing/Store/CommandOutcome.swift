public import EventLog

/// What a committed single-stream command produced.
public struct CommandOutcome<State, Event> {
    /// The events the decider decided, in order (empty when the command changed nothing).
    public var events: [Event]
    /// Where the log stored them; `nil` when there was nothing to append.
    public var append: AppendResult?
    /// The state after the events.
    public var state: State
    /// The stream's version after the events.
    public var version: Int64
    /// How many times the command was decided (1 when no concurrent writer interfered).
    public var attempts: Int
}

extension CommandOutcome: Sendable where State: Sendable, Event: Sendable {}

/// What a committed multi-stream command produced.
public struct MultiStreamOutcome: Sendable {
    /// The events appended, per stream (streams with no events are left out).
    public var streams: [StreamEvents]
    /// Where the log stored them; `nil` when there was nothing to append.
    public var append: AppendResult?
    /// How many times the command was decided.
    public var attempts: Int
}
