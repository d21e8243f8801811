/// What the notification mail needs of a person (`projections/users.sql`).
public struct NotificationRecipient: Sendable, Equatable {
    /// Their address (`nil` once erased).
    public var email: String?
    /// Their first name, for the greeting.
    public var firstName: String?
    /// `fr` or `en`.
    public var language: String
    /// `preferences.notifications.email`.
    public var wantsEmail: Bool
}
