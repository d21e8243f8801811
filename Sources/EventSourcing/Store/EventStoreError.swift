public import EventLog

/// Why the event store could not load a stream, store a decision or write a snapshot.
///
/// A struct over a private enum (as `LogError`); the underlying `LogError` or `EventCodecError` is
/// kept for callers that map errors (a corrupt log, an undecodable event).
public struct EventStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The broad kind of failure.
    public enum Kind: Sendable, Equatable {
        /// The log refused (I/O, corruption, closed, invalid append).
        case log
        /// An event could not be encoded or decoded.
        case codec
        /// A snapshot could not be written.
        case snapshot
    }

    private enum Detail: Sendable, Equatable {
        case log(LogError)
        case codec(EventCodecError)
        case snapshot(path: String, reason: String)
    }

    private let detail: Detail

    /// The kind of failure.
    public var kind: Kind {
        switch detail {
        case .log: .log
        case .codec: .codec
        case .snapshot: .snapshot
        }
    }

    /// The log's error, when the log refused.
    public var logError: LogError? {
        if case .log(let error) = detail { return error }
        return nil
    }

    /// The codec's error, when an event could not be encoded or decoded.
    public var codecError: EventCodecError? {
        if case .codec(let error) = detail { return error }
        return nil
    }

    /// Wraps a log error.
    public static func log(_ error: LogError) -> Self { Self(detail: .log(error)) }
    /// Wraps a codec error.
    public static func codec(_ error: EventCodecError) -> Self { Self(detail: .codec(error)) }
    /// A snapshot file could not be written.
    public static func snapshot(path: String, _ reason: String) -> Self { Self(detail: .snapshot(path: path, reason: reason)) }

    public var description: String {
        switch detail {
        case .log(let error): error.description
        case .codec(let error): error.description
        case .snapshot(let path, let reason): "cannot write the snapshot \(path): \(reason)"
        }
    }
}
