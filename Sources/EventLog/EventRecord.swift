public import Foundation
public import Cryptography

/// An event to append: its id, type name, who caused it, and its payload bytes.
///
/// The log knows nothing of the domain: the payload is opaque bytes (by convention JSON) and the
/// type is a name.
public struct ProposedEvent: Sendable, Hashable {
    /// The event's id; appending an id that is already stored is idempotent (see `EventLog.append`).
    public var eventId: UUID
    /// The stable type name, such as `mentoring.session-requested` (at most 65,535 UTF-8 bytes).
    public var type: String
    /// Who and what caused the event.
    public var metadata: EventMetadata
    /// The payload bytes.
    public var payload: [UInt8]

    /// Creates an event to append.
    public init(eventId: UUID = SecureRandom.uuid(), type: String, metadata: EventMetadata = .init(), payload: [UInt8]) {
        self.eventId = eventId
        self.type = type
        self.metadata = metadata
        self.payload = payload
    }
}

/// Causality and authorship of an event.
public struct EventMetadata: Sendable, Hashable, Codable {
    /// The request or process the event belongs to.
    public var correlationId: UUID?
    /// The message (command or event) that directly caused this one.
    public var causationId: UUID?
    /// Who acted: a user id, `system`, or an operator name (at most 65,535 UTF-8 bytes).
    public var actor: String?
    /// The trace of the command that wrote the event, when it was traced and sampled: the projections
    /// that apply the event link their spans to it.
    public var trace: TraceParent?

    /// Creates metadata.
    public init(correlationId: UUID? = nil, causationId: UUID? = nil, actor: String? = nil, trace: TraceParent? = nil) {
        self.correlationId = correlationId
        self.causationId = causationId
        self.actor = actor
        self.trace = trace
    }
}

/// An event as stored: the proposed event plus the position, stream version and time the log gave it.
public struct RecordedEvent: Sendable, Hashable {
    /// The global position: gapless, starting at 1, assigned by the single writer.
    public var position: Int64
    /// The stream the event belongs to.
    public var stream: String
    /// The event's version within its stream: 1 for the first event.
    public var streamVersion: Int64
    /// The stable type name.
    public var type: String
    /// The event's id.
    public var eventId: UUID
    /// When the log committed the event, in microseconds since 1970-01-01T00:00:00Z.
    public var timestampMicros: Int64
    /// Causality and authorship.
    public var metadata: EventMetadata
    /// The payload bytes.
    public var payload: [UInt8]

    /// Creates a recorded event (the log does; tests may too).
    public init(
        position: Int64, stream: String, streamVersion: Int64, type: String, eventId: UUID,
        timestampMicros: Int64, metadata: EventMetadata, payload: [UInt8]
    ) {
        self.position = position
        self.stream = stream
        self.streamVersion = streamVersion
        self.type = type
        self.eventId = eventId
        self.timestampMicros = timestampMicros
        self.metadata = metadata
        self.payload = payload
    }

    /// The commit time as a `Date`.
    public var timestamp: Date { Date(timeIntervalSince1970: Double(timestampMicros) / 1_000_000) }
}
