public import Foundation

/// A secret token the application generated and sent (by mail, or as a refresh token): the domain
/// sees only its hash and when it stops being valid, so a leaked log leaks no usable token.
public struct IssuedToken: Codable, Sendable, Hashable {
    /// A digest of the token (e.g. SHA-256, hex).
    public var tokenHash: String
    /// The first instant at which the token is no longer accepted.
    public var expiresAt: Date

    /// Creates the pair.
    public init(tokenHash: String, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
    }
}
