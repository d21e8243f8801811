/// `GET /users/profile`: the owner's account, profile and preferences.
///
/// JSON: the account and profile fields side by side at the top level (the profile fields as
/// `PUT /users/profile` takes them), and `preferences` as `PUT /users/preferences` takes them.
public struct UserProfile: Codable, Sendable, Equatable {
    public var account: AccountView
    public var profile: ProfileView
    public var preferences: PreferencesView

    /// A full profile.
    public init(account: AccountView, profile: ProfileView, preferences: PreferencesView) {
        self.account = account
        self.profile = profile
        self.preferences = preferences
    }

    private enum CodingKeys: String, CodingKey { case preferences }

    // Account and profile share the top-level object: both encode into the same keyed container.
    public init(from decoder: any Decoder) throws {
        account = try AccountView(from: decoder)
        profile = try ProfileView(from: decoder)
        preferences = try decoder.container(keyedBy: CodingKeys.self).decode(PreferencesView.self, forKey: .preferences)
    }

    public func encode(to encoder: any Encoder) throws {
        try account.encode(to: encoder)
        try profile.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(preferences, forKey: .preferences)
    }
}
