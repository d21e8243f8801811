import Cryptography
import Domain
import EventLog
import EventSourcing
public import Foundation
import Hummingbird
import Logging
import ReadModels

extension Platform {
    /// The claim-stream key of a normalised address: HMAC-SHA-256 under the server's email-index
    /// key, so stream names never show an address.
    public func emailKey(_ normalizedEmail: String) -> String {
        HMAC.authenticationCode(for: Array(normalizedEmail.utf8), key: secrets.emailIndexKey)
            .map { String(format: "%02x", $0) }.joined()
    }

    /// The user holding `email`, or `nil`.
    public func userID(forEmail email: String) throws(APIError) -> UUID? {
        guard let normalized = try? EmailAddress.normalized(email) else { return nil }
        return try load(Identity.EmailClaim.self, stream: StreamName.emailClaim(emailKey(normalized))).holder
    }

    /// `--bootstrap-admin EMAIL`: makes the account holding `email` an admin, as the system.
    /// Idempotent; fails with a clear message when no account holds the address.
    @discardableResult
    public func promoteToAdmin(email: String) async throws -> UUID {
        guard let userID = try userID(forEmail: email) else {
            throw APIError.notFound("no account uses \(email); register it first (POST /auth/register), then restart with --bootstrap-admin")
        }
        _ = try await execute(.grantRole(.admin, by: .system, now: clock.now()), on: Identity.Account.self,
                              stream: StreamName.account(userID), by: .system)
        return userID
    }
}
