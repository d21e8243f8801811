public import Foundation

/// The log's stream names, one per aggregate: `<kind>-<lowercase uuid>` (email claims use the
/// keyed digest of the address). Every writer and reader names streams through here.
public enum StreamName {
    /// `account-<userId>`: an Identity account.
    public static func account(_ id: UUID) -> String { "account-\(id.uuidString.lowercased())" }
    /// `email-<key>`: who holds an address.
    public static func emailClaim(_ key: String) -> String { "email-\(key)" }
    /// `provider-<subjectKey>`: which account holds one OpenID Connect identity (issuer and subject).
    public static func providerClaim(_ key: String) -> String { "provider-\(key)" }
    /// `profile-<userId>`.
    public static func profile(_ id: UUID) -> String { "profile-\(id.uuidString.lowercased())" }
    /// `mentor-<userId>`.
    public static func mentor(_ id: UUID) -> String { "mentor-\(id.uuidString.lowercased())" }
    /// `session-<sessionId>`.
    public static func session(_ id: UUID) -> String { "session-\(id.uuidString.lowercased())" }
    /// `calendar-<userId>`: a user's accepted sessions (no double booking).
    public static func calendar(_ id: UUID) -> String { "calendar-\(id.uuidString.lowercased())" }
    /// `community-<communityId>`.
    public static func community(_ id: UUID) -> String { "community-\(id.uuidString.lowercased())" }
    /// `gathering-<eventId>`.
    public static func gathering(_ id: UUID) -> String { "gathering-\(id.uuidString.lowercased())" }
    /// `scholarship-<scholarshipId>`.
    public static func scholarship(_ id: UUID) -> String { "scholarship-\(id.uuidString.lowercased())" }
    /// `inbox-<userId>`: a person's notification read marks.
    public static func inbox(_ id: UUID) -> String { "inbox-\(id.uuidString.lowercased())" }
    /// `security-alerts`: every security alert (`SecurityAlerts`).
    public static let securityAlerts = "security-alerts"
    /// `reminder-<key>`: one reminder's firing (keys: `session-<sessionId>-<userId>`, …).
    public static func reminder(_ key: String) -> String { "reminder-\(key)" }
}
