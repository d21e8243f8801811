import Cryptography
public import Foundation

/// The server's own secret, and the keys derived from it for each purpose.
///
/// One 256-bit secret comes from `PROTALENT_SERVER_KEY` (base64) or `<data>/keys/server.key`,
/// created on first start with mode 0600. Each use gets its own key, derived with HMAC-SHA-256
/// over a purpose label, so a key leaked from one use does not open another.
public struct ServerSecrets: Sendable {
    /// The environment variable that may hold the server key (base64 of 32 bytes).
    public static let environmentVariable = "PROTALENT_SERVER_KEY"

    /// Signs access tokens (JWT HS256).
    public let tokenSigningKey: [UInt8]
    /// Keys the email index: the `email-<key>` claim stream name is an HMAC of the address, so the
    /// log never names an address in clear.
    public let emailIndexKey: [UInt8]
    /// Encrypts TOTP secrets at rest (AES-256-GCM, the user id as associated data).
    public let totpKey: [UInt8]
    /// Derives each refresh token's successor from it (HMAC), so concurrent refreshes agree on one.
    public let refreshSuccessorKey: [UInt8]
    /// Keys the hashes of 2FA recovery codes, so the log alone cannot be searched for them.
    public let recoveryCodeKey: [UInt8]
    /// Seals console sessions into their cookie (AES-256-GCM), so they survive a restart.
    public let consoleSessionKey: [UInt8]

    /// Derives every purpose key from `secret`.
    public init(secret: [UInt8]) {
        func derive(_ label: String) -> [UInt8] { HMAC.authenticationCode(for: Array(label.utf8), key: secret) }
        self.tokenSigningKey = derive("protalent.jwt.v1")
        self.emailIndexKey = derive("protalent.email-index.v1")
        self.totpKey = derive("protalent.totp.v1")
        self.refreshSuccessorKey = derive("protalent.refresh-successor.v1")
        self.recoveryCodeKey = derive("protalent.recovery-codes.v1")
        self.consoleSessionKey = derive("protalent.console-session.v1")
    }

    /// Loads the secret of the data directory (or the environment), creating it on first start.
    public static func load(dataDirectory: URL, environment: [String: String]) throws -> ServerSecrets {
        if let encoded = environment[environmentVariable] {
            guard let secret = Base64.decode(encoded), secret.count == 32 else {
                throw ServerSecretsError("\(environmentVariable) must be the base64 of 32 random bytes (e.g. `openssl rand -base64 32`)")
            }
            return ServerSecrets(secret: secret)
        }
        let keys = dataDirectory.appendingPathComponent("keys")
        let path = keys.appendingPathComponent("server.key").path
        if let existing = FileManager.default.contents(atPath: path) {
            guard let text = String(data: existing, encoding: .utf8),
                  let secret = Base64.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)), secret.count == 32
            else { throw ServerSecretsError("\(path) is not the base64 of 32 bytes; restore it from a backup") }
            return ServerSecrets(secret: secret)
        }
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let secret = SecureRandom.bytes(count: 32)
        // Written to a temporary name and linked into place, so two starts never leave two keys.
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data((Base64.encode(secret) + "\n").utf8),
                                             attributes: [.posixPermissions: 0o600])
        else { throw ServerSecretsError("cannot write \(temporary)") }
        defer { unlink(temporary) }
        if link(temporary, path) != 0 {
            return try load(dataDirectory: dataDirectory, environment: environment)  // another process won the race
        }
        return ServerSecrets(secret: secret)
    }
}

/// The server key cannot be read or created.
public struct ServerSecretsError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
