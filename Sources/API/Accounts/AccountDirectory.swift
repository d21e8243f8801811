import Cryptography
import Domain
public import Foundation

/// Finds accounts by email address without the log ever naming an address in clear.
///
/// The `email-<key>` claim stream of an address is keyed by an HMAC of the normalised address under
/// the server's email-index key (`ServerSecrets.emailIndexKey`).
public struct AccountDirectory: Sendable {
    let commands: CommandExecutor
    let emailIndexKey: [UInt8]

    /// A directory over `commands`, keying claim streams with `emailIndexKey`.
    public init(commands: CommandExecutor, emailIndexKey: [UInt8]) {
        self.commands = commands
        self.emailIndexKey = emailIndexKey
    }

    /// The claim-stream key of a normalised address: HMAC-SHA-256 under the server's email-index
    /// key, so stream names never show an address.
    public func emailKey(_ normalizedEmail: String) -> String {
        HMAC.authenticationCode(for: Array(normalizedEmail.utf8), key: emailIndexKey)
            .map { String(format: "%02x", $0) }.joined()
    }

    /// The user holding the normalised address whose key is `emailKey`, or `nil`.
    public func holder(ofEmailKey emailKey: String) throws(APIError) -> UUID? {
        try commands.load(Identity.EmailClaim.self, stream: StreamName.emailClaim(emailKey)).holder
    }

    /// The user holding `email`, or `nil`.
    public func userID(forEmail email: String) throws(APIError) -> UUID? {
        guard let normalized = try? EmailAddress.normalized(email) else { return nil }
        return try holder(ofEmailKey: emailKey(normalized))
    }

    /// `--bootstrap-admin EMAIL`: makes the account holding `email` an admin, as the system.
    /// Idempotent; fails with a clear message when no account holds the address.
    @discardableResult
    public func promoteToAdmin(email: String) async throws -> UUID {
        guard let userID = try userID(forEmail: email) else {
            throw APIError.notFound("no account uses \(email); register it first (POST /auth/register), then restart with --bootstrap-admin")
        }
        _ = try await commands.execute(.grantRole(.admin, by: .system, now: commands.now()), on: Identity.Account.self,
                                       stream: StreamName.account(userID), by: .system)
        return userID
    }
}
