public import Domain

/// `GET /users/{id}/public`: the profile as others see it (no email, no account state, no preferences).
///
/// JSON: `userId`, `role` and the profile fields at the top level.
public struct PublicProfile: Codable, Sendable, Equatable {
    /// Lowercase UUID.
    public var userId: String
    public var role: Role
    public var profile: ProfileView

    /// A public profile.
    public init(userId: String, role: Role, profile: ProfileView) {
        self.userId = userId
        self.role = role
        self.profile = profile
    }

    private enum CodingKeys: String, CodingKey { case userId, role }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        userId = try container.decode(String.self, forKey: .userId)
        role = try container.decode(Role.self, forKey: .role)
        profile = try ProfileView(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(userId, forKey: .userId)
        try container.encode(role, forKey: .role)
        try profile.encode(to: encoder)
    }
}
