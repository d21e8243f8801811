public import EventSourcing
public import Foundation

extension Communities {
    /// Payload of `communities.community-created`; the creator is the owner and first member.
    public struct Created: Codable, Sendable, Equatable {
        public var communityId: UUID
        public var ownerId: UUID
        public var name: String
        public var description: String?
        public var category: Category
        public var countryCode: String?
        public var city: String?
        public var isPrivate: Bool
        public var at: Date
    }

    /// Payload of membership events (joined, join requested/approved/rejected, left, moderator appointed, banned).
    public struct Membership: Codable, Sendable, Equatable {
        public var communityId: UUID
        public var userId: UUID
        /// Who decided, when it is not the user themselves.
        public var by: UUID?
        public var at: Date
    }

    /// Payload of `communities.ownership-transferred`.
    public struct OwnershipTransferred: Codable, Sendable, Equatable {
        public var communityId: UUID
        public var from: UUID
        public var to: UUID
        public var at: Date
    }

    /// Payload of `communities.post-published`: the author's words.
    public struct PostPublished: Codable, Sendable, Equatable {
        public var communityId: UUID
        public var postId: UUID
        public var authorId: UUID
        public var title: Personal<String>?
        public var body: Personal<String>
        public var at: Date
    }

    /// Payload of `communities.post-removed` (a soft delete: the post stays in the log).
    public struct PostRemoved: Codable, Sendable, Equatable {
        public var communityId: UUID
        public var postId: UUID
        public var removedBy: UUID?
        public var at: Date
    }

    /// What happened in a community.
    public enum Event: DomainEvent {
        case created(Created)
        case joined(Membership)
        case joinRequested(Membership)
        case joinApproved(Membership)
        case joinRejected(Membership)
        case left(Membership)
        case ownershipTransferred(OwnershipTransferred)
        case moderatorAppointed(Membership)
        case postPublished(PostPublished)
        case postRemoved(PostRemoved)
        case banned(Membership)

        public var eventType: String {
            switch self {
            case .created: "communities.community-created"
            case .joined: "communities.member-joined"
            case .joinRequested: "communities.join-requested"
            case .joinApproved: "communities.join-approved"
            case .joinRejected: "communities.join-rejected"
            case .left: "communities.member-left"
            case .ownershipTransferred: "communities.ownership-transferred"
            case .moderatorAppointed: "communities.moderator-appointed"
            case .postPublished: "communities.post-published"
            case .postRemoved: "communities.post-removed"
            case .banned: "communities.member-banned"
            }
        }

        public var personalDataSubject: UUID? {
            if case .postPublished(let e) = self { return e.authorId }
            return nil
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            switch try decoder.eventTypeName() {
            case "communities.community-created": self = .created(try c.decode(Created.self))
            case "communities.member-joined": self = .joined(try c.decode(Membership.self))
            case "communities.join-requested": self = .joinRequested(try c.decode(Membership.self))
            case "communities.join-approved": self = .joinApproved(try c.decode(Membership.self))
            case "communities.join-rejected": self = .joinRejected(try c.decode(Membership.self))
            case "communities.member-left": self = .left(try c.decode(Membership.self))
            case "communities.ownership-transferred": self = .ownershipTransferred(try c.decode(OwnershipTransferred.self))
            case "communities.moderator-appointed": self = .moderatorAppointed(try c.decode(Membership.self))
            case "communities.post-published": self = .postPublished(try c.decode(PostPublished.self))
            case "communities.post-removed": self = .postRemoved(try c.decode(PostRemoved.self))
            case "communities.member-banned": self = .banned(try c.decode(Membership.self))
            case let other: throw UnknownEventType(other)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .created(let p): try c.encode(p)
            case .joined(let p), .joinRequested(let p), .joinApproved(let p), .joinRejected(let p), .left(let p),
                 .moderatorAppointed(let p), .banned(let p):
                try c.encode(p)
            case .ownershipTransferred(let p): try c.encode(p)
            case .postPublished(let p): try c.encode(p)
            case .postRemoved(let p): try c.encode(p)
            }
        }
    }
}
