/// A stream's state as loaded by the event store, with how it was obtained.
public struct Loaded<State> {
    /// The decider's state after every event of the stream.
    public var state: State
    /// The stream's version the state reflects (0 when the stream has no events).
    public var version: Int64
    /// The version of the snapshot the load started from, or `nil` when it folded from the first event.
    public var snapshotVersion: Int64?
    /// How many events were read from the log and folded (after the snapshot, if any).
    public var eventsRead: Int
}

extension Loaded: Sendable where State: Sendable {}
