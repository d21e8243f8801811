public import Domain

/// A user's preferences, in the shape `PUT /users/preferences` takes.
public struct PreferencesView: Codable, Sendable, Equatable {
    /// `{email: Bool}`.
    public struct Notifications: Codable, Sendable, Equatable {
        /// Whether mail notifications are on (default `true`).
        public var email: Bool

        /// Notification settings.
        public init(email: Bool) { self.email = email }
    }

    /// Interface and mail language (default `fr`).
    public var language: PreferredLanguage
    /// Who may see the public profile (default `public`).
    public var profileVisibility: ProfileVisibility
    public var notifications: Notifications

    /// Preferences.
    public init(language: PreferredLanguage = .fr, profileVisibility: ProfileVisibility = .public, notifications: Notifications = .init(email: true)) {
        self.language = language
        self.profileVisibility = profileVisibility
        self.notifications = notifications
    }
}
