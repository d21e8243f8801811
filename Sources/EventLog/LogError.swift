#if canImport(Glibc)
import Glibc
#endif

/// Why a log operation failed, with the stream, file, byte offset or position needed to act on it.
///
/// A struct over a private enum (as Hummingbird's `PersistError`) so cases can be added without
/// breaking callers, who match on the public static members and `kind`.
public struct LogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The broad kind of failure, for callers that map errors (for instance to HTTP statuses).
    public enum Kind: Sendable, Equatable {
        /// An expected version did not match (a concurrency conflict: reload and retry).
        case wrongExpectedVersion
        /// Event ids that are already stored were re-appended differently.
        case duplicateEventId
        /// The append itself is malformed (empty, too large, bad names).
        case invalidAppend
        /// Stored bytes are damaged or were tampered with.
        case corruption
        /// Another process holds the log's writer lock.
        case locked
        /// The operating system refused a file operation.
        case io
        /// The log was closed, or its writer stopped after a failure.
        case closed
        /// A replicated batch was refused (damaged, truncated, out of place, or of another chain),
        /// or a replica's log was asked for a local append.
        case replication
    }

    private enum Detail: Sendable, Equatable {
        case wrongExpectedVersion(stream: String, expected: ExpectedVersion, actual: Int64)
        case duplicateEventId(eventId: String, reason: String)
        case invalidAppend(String)
        case corruption(file: String, offset: Int, position: Int64?, reason: String)
        case locked(path: String)
        case io(operation: String, path: String, errno: Int32)
        case closed(String)
        case replication(position: Int64, reason: String)
    }

    private let detail: Detail

    /// The kind of failure.
    public var kind: Kind {
        switch detail {
        case .wrongExpectedVersion: .wrongExpectedVersion
        case .duplicateEventId: .duplicateEventId
        case .invalidAppend: .invalidAppend
        case .corruption: .corruption
        case .locked: .locked
        case .io: .io
        case .closed: .closed
        case .replication: .replication
        }
    }

    static func wrongExpectedVersion(stream: String, expected: ExpectedVersion, actual: Int64) -> LogError {
        LogError(detail: .wrongExpectedVersion(stream: stream, expected: expected, actual: actual))
    }

    static func duplicateEventId(_ eventId: String, _ reason: String) -> LogError {
        LogError(detail: .duplicateEventId(eventId: eventId, reason: reason))
    }

    static func invalidAppend(_ reason: String) -> LogError { LogError(detail: .invalidAppend(reason)) }

    static func corruption(file: String, offset: Int, position: Int64? = nil, reason: String) -> LogError {
        LogError(detail: .corruption(file: file, offset: offset, position: position, reason: reason))
    }

    static func locked(path: String) -> LogError { LogError(detail: .locked(path: path)) }

    static func io(_ operation: String, path: String, errno: Int32) -> LogError {
        LogError(detail: .io(operation: operation, path: path, errno: errno))
    }

    static func closed(_ reason: String) -> LogError { LogError(detail: .closed(reason)) }

    static func replication(position: Int64, _ reason: String) -> LogError {
        LogError(detail: .replication(position: position, reason: reason))
    }

    /// For a refused replicated batch: the position it claimed (or the one expected) and why.
    public var replicationRefusal: (position: Int64, reason: String)? {
        if case .replication(let position, let reason) = detail { return (position, reason) }
        return nil
    }

    /// For a corruption: the file, byte offset and (when known) position of the first bad byte range.
    public var corruptionLocation: (file: String, offset: Int, position: Int64?)? {
        if case .corruption(let file, let offset, let position, _) = detail { return (file, offset, position) }
        return nil
    }

    /// For a version conflict: the stream, what was expected and what was found.
    public var versionConflict: (stream: String, expected: ExpectedVersion, actual: Int64)? {
        if case .wrongExpectedVersion(let stream, let expected, let actual) = detail { return (stream, expected, actual) }
        return nil
    }

    public var description: String {
        switch detail {
        case .wrongExpectedVersion(let stream, let expected, let actual):
            "stream '\(stream)' expected version \(expected) but is at \(actual == 0 ? "no stream" : "version \(actual)")"
        case .duplicateEventId(let id, let reason):
            "event id \(id) is already stored: \(reason)"
        case .invalidAppend(let reason):
            "invalid append: \(reason)"
        case .corruption(let file, let offset, let position, let reason):
            "corrupt log: \(file) at byte offset \(offset)" + (position.map { " (position \($0))" } ?? "") + ": \(reason)"
        case .locked(let path):
            "the log at \(path) is already open for writing by another process (is a server running?); "
                + "read-only commands such as replay, verify and stats work beside it"
        case .io(let operation, let path, let code):
            "\(operation) failed on \(path): \(String(cString: strerror(code))) (errno \(code))"
        case .closed(let reason):
            "the log is closed: \(reason)"
        case .replication(let position, let reason):
            "replication refused at position \(position): \(reason)"
        }
    }
}
