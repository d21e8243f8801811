import Domain

/// Which part of the console a page belongs to, and so who may open it: admins everything,
/// moderators moderation only, anyone else nothing (a 403 page).
///
/// Every console route is registered with one (`ConsoleController.page`), the console's
/// counterpart of `AccessPolicy`: a page cannot be added without saying who may see it.
enum ConsoleArea: Sendable {
    /// Operations: overview, audit, projections, analytics, people, scholarships.
    case operations
    /// Join requests, posts and bans.
    case moderation

    /// Whether `role` may open pages of this area.
    func admits(_ role: Role) -> Bool {
        switch self {
        case .operations: role == .admin
        case .moderation: role == .admin || role == .moderator
        }
    }
}
