/// A committed command, as routes answer it.
public struct Committed<State: Sendable>: Sendable {
    /// The aggregate's state after the command.
    public var state: State
    /// The global position of the command's last event (or the head when nothing changed), for
    /// `X-Log-Position`.
    public var position: Int64
}
