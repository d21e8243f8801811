/// The pure heart of an aggregate: given its state and a command, decide which events happen;
/// given a state and an event, evolve the state.
///
/// Deciders do no I/O and read no clock: time and fresh ids arrive inside the command, so the same
/// inputs always give the same outputs, and tests are plain values (given events, when command,
/// then events or rejection).
public protocol Decider {
    /// What the aggregate remembers between commands.
    associatedtype State: Sendable
    /// What callers ask for.
    associatedtype Command: Sendable
    /// What happened; stored in the log.
    associatedtype Event: Sendable
    /// Why a command was refused.
    associatedtype Rejection: Error

    /// The state of an aggregate with no events.
    static var initialState: State { get }

    /// Decides which events a command produces, or why it is refused.
    static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event]

    /// Applies one event to the state.
    static func evolve(_ state: State, _ event: Event) -> State
}

extension Decider {
    /// Folds a history of events into a state, starting from `initialState`.
    public static func fold(_ events: some Sequence<Event>) -> State {
        events.reduce(initialState, evolve)
    }
}
