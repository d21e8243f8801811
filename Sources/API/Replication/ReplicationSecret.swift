import Cryptography
import Foundation

/// The secret the nodes of a cluster share: a primary streams its log only to a caller presenting
/// it (`X-Replication-Secret`), and a replica presents it.
///
/// From `--replication-secret-file F` (the file's content, trimmed) or `PROTALENT_REPLICATION_SECRET`.
/// Compared in constant time, through SHA-256 digests so that the comparison's length says nothing.
public struct ReplicationSecret: Sendable {
    /// The request header carrying the secret.
    public static let header = "X-Replication-Secret"
    /// The environment variable that may hold the secret itself.
    public static let environmentVariable = "PROTALENT_REPLICATION_SECRET"
    /// The shortest secret accepted.
    public static let minimumLength = 16

    /// The secret, as a replica sends it.
    let value: String
    private let digest: [UInt8]

    /// A secret of at least 16 characters (surrounding white space ignored).
    public init(_ value: String) throws(ReplicationSecretError) {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count >= Self.minimumLength else {
            throw ReplicationSecretError(
                description: "the replication secret has \(trimmed.count) characters; use at least \(Self.minimumLength) "
                    + "(e.g. `openssl rand -base64 32`)"
            )
        }
        self.value = trimmed
        self.digest = SHA256.hash(Array(trimmed.utf8))
    }

    /// The secret of `file` when given, else of the environment, else `nil` (no replication).
    public static func load(file: String?, environment: [String: String]) throws(ReplicationSecretError) -> ReplicationSecret? {
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ReplicationSecretError(description: "cannot read the replication secret file \(file)")
            }
            return try ReplicationSecret(String(decoding: data, as: UTF8.self))
        }
        return try environment[environmentVariable].map { (text: String) throws(ReplicationSecretError) in try ReplicationSecret(text) }
    }

    /// Whether `presented` is this secret (constant time).
    public func admits(_ presented: String?) -> Bool {
        let candidate = SHA256.hash(Array((presented ?? "").trimmingCharacters(in: .whitespaces).utf8))
        return ConstantTime.equals(candidate, digest)
    }
}

/// The replication secret cannot be read or is too weak.
public struct ReplicationSecretError: Error, Sendable, CustomStringConvertible {
    public let description: String
}
