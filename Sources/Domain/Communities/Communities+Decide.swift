import EventSourcing
import Foundation

extension Communities {
    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        if case .create(let id, let details, let principal, let now) = command {
            guard state.communityID == nil else { throw .conflict("this community already exists") }
            guard let userID = principal.userID else { throw .forbidden("only a signed-in user can create a community") }
            let created = try Rejection.check { () throws(FieldError) in
                Created(
                    communityId: id, ownerId: userID, name: try Validate.text(details.name, "name", max: 200),
                    description: try Validate.optionalText(details.description, "description", max: 5000),
                    category: details.category, countryCode: try CountryCode.validated(optional: details.countryCode, "countryCode"),
                    city: try Validate.optionalText(details.city, "city", max: 100), isPrivate: details.isPrivate, at: now
                )
            }
            return [.created(created)]
        }
        guard let communityID = state.communityID, let ownerID = state.ownerID else { throw .notFound("no such community") }
        func membership(_ user: UUID, by: UUID?, _ now: Date) -> Membership {
            Membership(communityId: communityID, userId: user, by: by, at: now)
        }

        switch command {
        case .create:
            preconditionFailure("handled above")

        case .join(let principal, let now):
            guard let userID = principal.userID else { throw .forbidden("only a signed-in user can join") }
            guard !state.banned.contains(userID) else { throw .forbidden("you were banned from this community") }
            guard state.members[userID] == nil else { throw .conflict("you are already a member") }
            guard state.isPrivate else { return [.joined(membership(userID, by: nil, now))] }
            guard !state.pendingRequests.contains(userID) else { throw .conflict("your request to join is already pending") }
            return [.joinRequested(membership(userID, by: nil, now))]

        case .approveJoin(let userID, let principal, let now), .rejectJoin(let userID, let principal, let now):
            guard state.canModerate(principal) else { throw .forbidden("only the owner or a moderator can answer join requests") }
            guard state.pendingRequests.contains(userID) else { throw .notFound("no pending request from this user") }
            if case .approveJoin = command { return [.joinApproved(membership(userID, by: principal.userID, now))] }
            return [.joinRejected(membership(userID, by: principal.userID, now))]

        case .leave(let principal, let now):
            guard let userID = principal.userID, state.members[userID] != nil else { throw .conflict("you are not a member") }
            guard userID != ownerID else { throw .conflict("the owner cannot leave; transfer ownership to another member first") }
            return [.left(membership(userID, by: nil, now))]

        case .transferOwnership(let newOwner, let principal, let now):
            guard principal.isUser(ownerID) || principal.isAdministrator else { throw .forbidden("only the owner or an admin can transfer ownership") }
            guard newOwner != ownerID else { return [] }
            guard state.members[newOwner] != nil else { throw .invalid("userId", "the new owner must be a member of the community") }
            return [.ownershipTransferred(OwnershipTransferred(communityId: communityID, from: ownerID, to: newOwner, at: now))]

        case .appointModerator(let userID, let principal, let now):
            guard principal.isUser(ownerID) || principal.isAdministrator else { throw .forbidden("only the owner or an admin can appoint moderators") }
            guard let member = state.members[userID] else { throw .invalid("userId", "only a member can become a moderator") }
            if member.role != .member { return [] }
            return [.moderatorAppointed(membership(userID, by: principal.userID, now))]

        case .post(let postID, let title, let body, let principal, let now):
            guard let userID = principal.userID else { throw .forbidden("only members can post") }
            guard !state.banned.contains(userID) else { throw .forbidden("you were banned from this community") }
            guard let member = state.members[userID] else { throw .forbidden("only members can post; join the community first") }
            guard state.posts[postID] == nil else { throw .conflict("this post already exists") }
            let (title, body) = try Rejection.check { () throws(FieldError) in
                (try Validate.optionalText(title, "title", max: 200), try Validate.text(body, "body", max: 10_000))
            }
            let newcomer = member.role != .owner && now.timeIntervalSince(member.joinedAt) < newcomerWindow
            if newcomer && member.earlyPosts >= newcomerPostLimit {
                let wait = member.joinedAt.addingTimeInterval(newcomerWindow)
                throw .conflict("new members may publish \(newcomerPostLimit) posts in their first 10 minutes; post again from \(wait.formatted(.iso8601))")
            }
            return [.postPublished(PostPublished(
                communityId: communityID, postId: postID, authorId: userID, title: title.map(Personal.init), body: Personal(body), at: now
            ))]

        case .removePost(let postID, let principal, let now):
            guard let post = state.posts[postID] else { throw .notFound("no such post") }
            guard principal.isUser(post.authorID) || state.canModerate(principal) else {
                throw .forbidden("only the author or a moderator can remove this post")
            }
            if post.removed { return [] }
            return [.postRemoved(PostRemoved(communityId: communityID, postId: postID, removedBy: principal.userID, at: now))]

        case .ban(let userID, let principal, let now):
            guard state.canModerate(principal) else { throw .forbidden("only the owner or a moderator can ban members") }
            guard userID != ownerID else { throw .conflict("the owner cannot be banned; transfer ownership first") }
            guard !principal.isUser(userID) else { throw .conflict("you cannot ban yourself") }
            if state.banned.contains(userID) { return [] }
            return [.banned(membership(userID, by: principal.userID, now))]
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var state = state
        switch event {
        case .created(let e):
            state.communityID = e.communityId
            state.ownerID = e.ownerId
            state.isPrivate = e.isPrivate
            state.members[e.ownerId] = Member(role: .owner, joinedAt: e.at, earlyPosts: 0)
        case .joined(let e), .joinApproved(let e):
            state.pendingRequests.remove(e.userId)
            state.members[e.userId] = Member(role: .member, joinedAt: e.at, earlyPosts: 0)
        case .joinRequested(let e):
            state.pendingRequests.insert(e.userId)
        case .joinRejected(let e):
            state.pendingRequests.remove(e.userId)
        case .left(let e):
            state.members[e.userId] = nil
        case .ownershipTransferred(let e):
            state.members[e.from]?.role = .member
            state.members[e.to]?.role = .owner
            state.ownerID = e.to
        case .moderatorAppointed(let e):
            state.members[e.userId]?.role = .moderator
        case .postPublished(let e):
            state.posts[e.postId] = Post(authorID: e.authorId, removed: false)
            if let member = state.members[e.authorId], e.at.timeIntervalSince(member.joinedAt) < newcomerWindow {
                state.members[e.authorId]?.earlyPosts += 1
            }
        case .postRemoved(let e):
            state.posts[e.postId]?.removed = true
        case .banned(let e):
            state.banned.insert(e.userId)
            state.members[e.userId] = nil
            state.pendingRequests.remove(e.userId)
        }
        return state
    }
}
