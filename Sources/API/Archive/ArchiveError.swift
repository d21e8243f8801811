/// Why archiving or a restore failed, naming what an operator needs to act: the object key and,
/// when it is about the log, the position.
public struct ArchiveError: Error, Sendable, CustomStringConvertible {
    private enum Kind: Sendable {
        case object(key: String, position: Int64?, String)
        case store(String)
        case local(String)
    }

    private let kind: Kind

    /// An archived object is missing, truncated or altered.
    public static func object(_ key: String, position: Int64?, _ reason: String) -> Self {
        Self(kind: .object(key: key, position: position, reason))
    }

    /// The store refused or did not answer.
    public static func store(_ message: String) -> Self { Self(kind: .store(message)) }

    /// The local side (the data directory, the log) failed.
    public static func local(_ message: String) -> Self { Self(kind: .local(message)) }

    /// One line for the operator.
    public var description: String {
        switch kind {
        case .object(let key, let position, let reason):
            "archive object \(key)" + (position.map { " (position \($0))" } ?? "") + ": \(reason)"
        case .store(let message): "object store: \(message)"
        case .local(let message): message
        }
    }
}
