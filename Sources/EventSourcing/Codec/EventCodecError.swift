/// Why an event could not be encoded for the log or decoded from it.
///
/// A struct over a private enum (as `LogError`): callers match on `kind`, the description says what
/// went wrong, with the event type and, when decoding, the stream position.
public struct EventCodecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The broad kind of failure.
    public enum Kind: Sendable, Equatable {
        /// The event (or one of its `Personal` fields) could not be encoded.
        case encoding
        /// The stored payload does not decode into the event type.
        case decoding
        /// The stored schema version is newer than this code knows, or an upcaster is missing.
        case schemaVersion
    }

    private enum Detail: Sendable, Equatable {
        case encoding(type: String, reason: String)
        case decoding(type: String, stream: String, position: Int64, reason: String)
        case schemaVersion(type: String, stored: Int, current: Int, reason: String)
    }

    private let detail: Detail

    /// The kind of failure.
    public var kind: Kind {
        switch detail {
        case .encoding: .encoding
        case .decoding: .decoding
        case .schemaVersion: .schemaVersion
        }
    }

    static func encoding(_ type: String, _ error: any Error) -> Self {
        Self(detail: .encoding(type: type, reason: String(describing: error)))
    }

    static func encoding(_ type: String, reason: String) -> Self {
        Self(detail: .encoding(type: type, reason: reason))
    }

    static func decoding(_ type: String, stream: String, position: Int64, _ error: any Error) -> Self {
        Self(detail: .decoding(type: type, stream: stream, position: position, reason: String(describing: error)))
    }

    static func schemaVersion(_ type: String, stored: Int, current: Int, _ reason: String) -> Self {
        Self(detail: .schemaVersion(type: type, stored: stored, current: current, reason: reason))
    }

    public var description: String {
        switch detail {
        case .encoding(let type, let reason):
            "cannot encode event '\(type)': \(reason)"
        case .decoding(let type, let stream, let position, let reason):
            "cannot decode event '\(type)' of stream '\(stream)' at position \(position): \(reason)"
        case .schemaVersion(let type, let stored, let current, let reason):
            "event '\(type)' is stored at schema version \(stored) and this code reads version \(current): \(reason)"
        }
    }
}
