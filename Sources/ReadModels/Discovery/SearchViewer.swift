public import Foundation

/// Who is searching: decides which profiles and which private-community posts they may see.
///
/// Profiles: `public` to everyone, `members` to signed-in users, `private` only to the person and
/// admins. Posts of a private community: its members and admins. Unverified mentors: admins.
public struct SearchViewer: Sendable, Hashable {
    /// The signed-in user, `nil` for an anonymous visitor.
    public var userID: UUID?
    /// Admins see everything that is not erased.
    public var isAdmin: Bool

    /// A viewer.
    public init(userID: UUID?, isAdmin: Bool = false) {
        self.userID = userID
        self.isAdmin = isAdmin
    }

    /// A visitor who is not signed in.
    public static let anonymous = SearchViewer(userID: nil)
}
