public import Domain

/// The account part of `GET /users/profile` and of the export: what Identity knows, nothing secret.
public struct AccountView: Codable, Sendable, Equatable {
    /// Lowercase UUID.
    public var userId: String
    /// The address given at sign-up; `nil` once the account is erased.
    public var email: String?
    public var role: Role
    public var emailVerified: Bool
    /// `active` or `erased`.
    public var status: String
    public var twoFactorEnabled: Bool
    /// ISO 8601 UTC, e.g. `2026-11-24T18:00:00Z`.
    public var registeredAt: String
    /// The last successful login, if any.
    public var lastLoginAt: String?

    /// An account view.
    public init(
        userId: String, email: String?, role: Role, emailVerified: Bool, status: String, twoFactorEnabled: Bool,
        registeredAt: String, lastLoginAt: String?
    ) {
        self.userId = userId
        self.email = email
        self.role = role
        self.emailVerified = emailVerified
        self.status = status
        self.twoFactorEnabled = twoFactorEnabled
        self.registeredAt = registeredAt
        self.lastLoginAt = lastLoginAt
    }
}
