public import EventSourcing
public import Foundation

/// Communities: groups people join, post in, and moderate.
///
/// Streams:
/// - `community-<communityId>`: every `Communities.Event` of one community: creation, joins and
///   join requests, leaving, ownership transfer, moderator appointments, posts and their removal,
///   bans. Posts live in their community's stream because every post rule (membership, bans, the
///   newcomer limit) is a rule of the community.
///
/// Rules: the creator is owner and first member. Public communities admit at once; private ones
/// take a request (at most one pending per user) that the owner, a community moderator or a
/// platform moderator/admin approves or rejects. The owner cannot leave before handing ownership
/// to another member. Only members post; a new member may publish at most `newcomerPostLimit`
/// posts in their first `newcomerWindow` after joining (the owner is exempt), which blunts
/// drive-by spam without slowing regulars. Posts are removed softly (author, community or platform
/// moderators, owner, admins). A banned user is removed, cannot post, and cannot rejoin.
public enum Communities: Decider {
    /// The kinds of community, as the contract spells them.
    public enum Category: String, Codable, Sendable, Hashable, CaseIterable {
        case academic, professional, country, interest, skill
    }

    /// A member's standing in one community.
    public enum MemberRole: String, Codable, Sendable, Hashable {
        case owner, moderator, member
    }

    /// At most this many posts…
    public static let newcomerPostLimit = 3
    /// …in this long after joining.
    public static let newcomerWindow: TimeInterval = 10 * 60

    /// Why a community command was refused.
    public typealias Rejection = Refusal<Communities>

    /// What `POST /communities` carries.
    public struct Details: Sendable, Equatable {
        public var name: String
        public var description: String?
        public var category: Category
        public var countryCode: String?
        public var city: String?
        public var isPrivate: Bool

        public init(name: String, description: String? = nil, category: Category, countryCode: String? = nil, city: String? = nil, isPrivate: Bool) {
            self.name = name
            self.description = description
            self.category = category
            self.countryCode = countryCode
            self.city = city
            self.isPrivate = isPrivate
        }
    }

    /// What callers ask of a community.
    public enum Command: Sendable, Equatable {
        case create(communityID: UUID, Details, by: Principal, now: Date)
        /// Join (public) or ask to join (private).
        case join(by: Principal, now: Date)
        case approveJoin(userID: UUID, by: Principal, now: Date)
        case rejectJoin(userID: UUID, by: Principal, now: Date)
        case leave(by: Principal, now: Date)
        /// Hand ownership to another member (owner or admin).
        case transferOwnership(to: UUID, by: Principal, now: Date)
        /// Make a member a community moderator (owner or admin).
        case appointModerator(userID: UUID, by: Principal, now: Date)
        case post(postID: UUID, title: String?, body: String, by: Principal, now: Date)
        case removePost(postID: UUID, by: Principal, now: Date)
        case ban(userID: UUID, by: Principal, now: Date)
    }

    /// One member.
    public struct Member: Sendable, Equatable, Codable {
        public var role: MemberRole
        public var joinedAt: Date
        /// Posts published since joining, counted only within the newcomer window.
        public var earlyPosts: Int
    }

    /// One post, as far as rules need it.
    public struct Post: Sendable, Equatable, Codable {
        public var authorID: UUID
        public var removed: Bool
    }

    /// What a community's stream remembers.
    public struct State: Sendable, Equatable, Codable {
        public var communityID: UUID?
        public var isPrivate = false
        public var ownerID: UUID?
        public var members: [UUID: Member] = [:]
        public var pendingRequests: Set<UUID> = []
        public var banned: Set<UUID> = []
        public var posts: [UUID: Post] = [:]

        /// Whether `principal` may moderate here: owner, community moderator, platform moderator or admin.
        public func canModerate(_ principal: Principal) -> Bool {
            if principal.isPlatformModerator { return true }
            guard let id = principal.userID, let member = members[id] else { return false }
            return member.role == .owner || member.role == .moderator
        }
    }

    public static var initialState: State { State() }
}
