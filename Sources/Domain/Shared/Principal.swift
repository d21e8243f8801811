public import Foundation

/// A platform role, as the contract spells it.
public enum Role: String, Codable, Sendable, Hashable, CaseIterable {
    case student, mentor, moderator, admin
}

/// Who issues a command: a signed-in user with their role, or the system itself (bootstrap, jobs).
///
/// The API resolves it from the access token; the domain only decides what it may do.
public enum Principal: Sendable, Hashable {
    /// A user, with the role the API read from their token.
    case user(UUID, Role)
    /// The platform itself, e.g. `protalent serve --bootstrap-admin`.
    case system

    /// The user's id, or `nil` for the system.
    public var userID: UUID? {
        if case .user(let id, _) = self { return id }
        return nil
    }

    /// The user's role, or `nil` for the system.
    public var role: Role? {
        if case .user(_, let role) = self { return role }
        return nil
    }

    /// Whether this is the given user.
    public func isUser(_ id: UUID) -> Bool { userID == id }

    /// Admins and the system may administer the platform.
    public var isAdministrator: Bool { self == .system || role == .admin }

    /// Platform moderators, admins and the system may moderate any content.
    public var isPlatformModerator: Bool { isAdministrator || role == .moderator }
}
