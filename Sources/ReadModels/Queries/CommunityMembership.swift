/// Where a user stands in one community (`viewerMembership` of the detail, `status` of the export).
public enum CommunityMembership: String, Codable, Sendable, Hashable {
    /// Not a member, no request pending.
    case none
    /// Asked to join a private community; not answered yet.
    case pending
    case member
    case moderator
    case owner
    /// Banned: cannot post nor join again.
    case banned

    /// Whether this standing lets the user read a private community.
    public var isMember: Bool { self == .member || self == .moderator || self == .owner }
}
