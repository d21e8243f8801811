public import EventLog

/// The events a multi-stream decision appends to one stream.
public struct StreamEvents: Sendable {
    /// The stream.
    public var stream: String
    /// The events, in order.
    public var events: [any DomainEvent]
    /// The expectation checked on append; `nil` means the version the stream had when the decision
    /// read it (through `StreamStates`, or at decision time when it was not read).
    public var expectedVersion: ExpectedVersion?

    /// Events for `stream`.
    public init<Event: DomainEvent>(_ stream: String, _ events: [Event], expectedVersion: ExpectedVersion? = nil) {
        self.stream = stream
        self.events = events
        self.expectedVersion = expectedVersion
    }
}
