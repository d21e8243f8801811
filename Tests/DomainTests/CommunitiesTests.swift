import Foundation
import Testing
import EventSourcing
@testable import Domain

private let cid = Fixture.id(600)
private let ownerID = Fixture.id(1)
private let owner = Principal.user(ownerID, .student)
private let now = Fixture.now
private func user(_ n: Int, _ role: Role = .student) -> Principal { .user(Fixture.id(n), role) }
private func membership(_ n: Int, by: UUID? = nil, at: Date = now) -> Communities.Membership {
    Communities.Membership(communityId: cid, userId: Fixture.id(n), by: by, at: at)
}

private func created(isPrivate: Bool = false) -> Communities.Event {
    .created(Communities.Created(
        communityId: cid, ownerId: ownerID, name: "Data Sénégal", description: nil, category: .country, countryCode: "SN",
        city: nil, isPrivate: isPrivate, at: now
    ))
}
private let open: [Communities.Event] = [created(), .joined(membership(2, at: Fixture.minutes(-60)))]
private let closed: [Communities.Event] = [created(isPrivate: true)]

private func post(_ id: Int, by: Principal, at: Date = now, body: String = "Hello", title: String? = nil) -> Communities.Command {
    .post(postID: Fixture.id(id), title: title, body: body, by: by, now: at)
}
private func published(_ id: Int, author: Int, at: Date = now) -> Communities.Event {
    .postPublished(Communities.PostPublished(communityId: cid, postId: Fixture.id(id), authorId: Fixture.id(author), title: nil, body: Personal("Hello"), at: at))
}

@Suite struct CommunityMembershipTests {
    @Test func theCreatorIsOwnerAndMember() {
        Given(Communities.self).when(.create(
            communityID: cid, Communities.Details(name: " Data Sénégal ", category: .country, countryCode: "sn", isPrivate: false), by: owner, now: now
        )).then([created()])
        #expect(Communities.fold([created()]).members[ownerID]?.role == .owner)
        Given(Communities.self).when(.create(communityID: cid, Communities.Details(name: "", category: .skill, isPrivate: false), by: owner, now: now))
            .thenRejected(.invalid, field: "name")
    }

    @Test func joiningAPublicCommunityIsImmediate() {
        Given(Communities.self, [created()]).when(.join(by: user(3), now: now)).then([.joined(membership(3))])
        Given(Communities.self, open).when(.join(by: user(2), now: now)).thenRejected(.conflict)
    }

    @Test func joiningAPrivateCommunityIsARequestAtMostOncePending() {
        Given(Communities.self, closed).when(.join(by: user(3), now: now)).then([.joinRequested(membership(3))])
        Given(Communities.self, closed + [.joinRequested(membership(3))]).when(.join(by: user(3), now: now)).thenRejected(.conflict, messageContains: "pending")
    }

    @Test func theOwnerOrAModeratorAnswersRequests() {
        let pending = closed + [.joinRequested(membership(3))]
        Given(Communities.self, pending).when(.approveJoin(userID: Fixture.id(3), by: owner, now: now)).then([.joinApproved(membership(3, by: ownerID))])
        Given(Communities.self, pending).when(.rejectJoin(userID: Fixture.id(3), by: user(50, .moderator), now: now))
            .then([.joinRejected(membership(3, by: Fixture.id(50)))])
        Given(Communities.self, pending).when(.approveJoin(userID: Fixture.id(3), by: user(4), now: now)).thenRejected(.forbidden)
        Given(Communities.self, closed).when(.approveJoin(userID: Fixture.id(3), by: owner, now: now)).thenRejected(.notFound)
        // A community moderator may answer too.
        let withModerator = pending + [.joinApproved(membership(4)), .moderatorAppointed(membership(4, by: ownerID))]
        #expect(Given(Communities.self, withModerator).when(.approveJoin(userID: Fixture.id(3), by: user(4), now: now)).events().count == 1)
    }

    @Test func membersLeaveButTheOwnerMustHandOverFirst() {
        Given(Communities.self, open).when(.leave(by: user(2), now: now)).then([.left(membership(2))])
        Given(Communities.self, open).when(.leave(by: owner, now: now)).thenRejected(.conflict, messageContains: "transfer ownership")
        let handedOver = Communities.Event.ownershipTransferred(Communities.OwnershipTransferred(communityId: cid, from: ownerID, to: Fixture.id(2), at: now))
        Given(Communities.self, open).when(.transferOwnership(to: Fixture.id(2), by: owner, now: now)).then([handedOver])
        Given(Communities.self, open + [handedOver]).when(.leave(by: owner, now: now)).then([.left(membership(1))])
    }

    @Test func ownershipGoesOnlyToAMemberAndOnlyFromTheOwner() {
        Given(Communities.self, open).when(.transferOwnership(to: Fixture.id(9), by: owner, now: now)).thenRejected(.invalid, field: "userId")
        Given(Communities.self, open).when(.transferOwnership(to: Fixture.id(2), by: user(2), now: now)).thenRejected(.forbidden)
    }
}

@Suite struct CommunityPostTests {
    @Test func membersPost() {
        Given(Communities.self, open).when(post(100, by: user(2))).then([published(100, author: 2)])
        #expect(published(100, author: 2).personalDataSubject == Fixture.id(2))
    }

    @Test func nonMembersCannotPost() {
        Given(Communities.self, open).when(post(100, by: user(3))).thenRejected(.forbidden)
    }

    @Test func titleAndBodyLimits() {
        Given(Communities.self, open).when(post(100, by: user(2), body: " ")).thenRejected(.invalid, field: "body")
        Given(Communities.self, open).when(post(100, by: user(2), body: String(repeating: "x", count: 10_001))).thenRejected(.invalid, field: "body")
        #expect(Given(Communities.self, open).when(post(100, by: user(2), body: String(repeating: "x", count: 10_000))).events().count == 1)
        Given(Communities.self, open).when(post(100, by: user(2), title: String(repeating: "t", count: 201))).thenRejected(.invalid, field: "title")
    }

    @Test func newMembersPostAtMostThreeTimesInTheirFirstTenMinutes() {
        let fresh = [created(), .joined(membership(3))] + (1...3).map { published(100 + $0, author: 3, at: Fixture.minutes(Double($0))) }
        Given(Communities.self, fresh).when(post(200, by: user(3), at: Fixture.minutes(5))).thenRejected(.conflict, messageContains: "first 10 minutes")
        Given(Communities.self, fresh).when(post(200, by: user(3), at: Fixture.minutes(10))).then([published(200, author: 3, at: Fixture.minutes(10))])
        // The owner is exempt.
        let ownerPosts = [created()] + (1...3).map { published(100 + $0, author: 1, at: Fixture.minutes(Double($0))) }
        #expect(Given(Communities.self, ownerPosts).when(post(200, by: owner, at: Fixture.minutes(4))).events().count == 1)
    }

    @Test func authorsAndModeratorsRemovePostsSoftly() {
        let withPost = open + [published(100, author: 2)]
        let removed = Communities.Event.postRemoved(Communities.PostRemoved(communityId: cid, postId: Fixture.id(100), removedBy: Fixture.id(2), at: now))
        Given(Communities.self, withPost).when(.removePost(postID: Fixture.id(100), by: user(2), now: now)).then([removed])
        #expect(Given(Communities.self, withPost).when(.removePost(postID: Fixture.id(100), by: user(70, .admin), now: now)).events().count == 1)
        #expect(Given(Communities.self, withPost).when(.removePost(postID: Fixture.id(100), by: owner, now: now)).events().count == 1)
        Given(Communities.self, withPost).when(.removePost(postID: Fixture.id(100), by: user(3), now: now)).thenRejected(.forbidden)
        Given(Communities.self, withPost + [removed]).when(.removePost(postID: Fixture.id(100), by: user(2), now: now)).then([])
        Given(Communities.self, open).when(.removePost(postID: Fixture.id(100), by: user(2), now: now)).thenRejected(.notFound)
    }
}

@Suite struct CommunityBanTests {
    private let ban = Communities.Event.banned(membership(2, by: ownerID))

    @Test func moderatorsBanMembers() {
        Given(Communities.self, open).when(.ban(userID: Fixture.id(2), by: owner, now: now)).then([ban])
        Given(Communities.self, open).when(.ban(userID: Fixture.id(2), by: user(3), now: now)).thenRejected(.forbidden)
        Given(Communities.self, open).when(.ban(userID: ownerID, by: user(60, .admin), now: now)).thenRejected(.conflict)
    }

    @Test func theBannedCannotPostOrRejoin() {
        Given(Communities.self, open + [ban]).when(post(100, by: user(2))).thenRejected(.forbidden, messageContains: "banned")
        Given(Communities.self, open + [ban]).when(.join(by: user(2), now: now)).thenRejected(.forbidden, messageContains: "banned")
    }
}

@Suite struct CommunitiesEventCodingTests {
    @Test func everyEventRoundTrips() {
        expectRoundTrip(created(), named: "communities.community-created")
        expectRoundTrip(Communities.Event.joined(membership(2)), named: "communities.member-joined")
        expectRoundTrip(Communities.Event.joinRequested(membership(2)), named: "communities.join-requested")
        expectRoundTrip(Communities.Event.joinApproved(membership(2, by: ownerID)), named: "communities.join-approved")
        expectRoundTrip(Communities.Event.joinRejected(membership(2, by: ownerID)), named: "communities.join-rejected")
        expectRoundTrip(Communities.Event.left(membership(2)), named: "communities.member-left")
        expectRoundTrip(Communities.Event.ownershipTransferred(Communities.OwnershipTransferred(communityId: cid, from: ownerID, to: Fixture.id(2), at: now)), named: "communities.ownership-transferred")
        expectRoundTrip(Communities.Event.moderatorAppointed(membership(2, by: ownerID)), named: "communities.moderator-appointed")
        expectRoundTrip(published(100, author: 2), named: "communities.post-published")
        expectRoundTrip(Communities.Event.postRemoved(Communities.PostRemoved(communityId: cid, postId: Fixture.id(100), removedBy: nil, at: now)), named: "communities.post-removed")
        expectRoundTrip(Communities.Event.banned(membership(2, by: ownerID)), named: "communities.member-banned")
        expectUnknownTypeRefused(Communities.Event.self)
    }

    @Test func erasedPostsStillFold() {
        let shredded = Communities.Event.postPublished(Communities.PostPublished(communityId: cid, postId: Fixture.id(1), authorId: Fixture.id(2), title: .erased, body: .erased, at: now))
        #expect(Communities.fold(open + [shredded]).posts[Fixture.id(1)]?.authorID == Fixture.id(2))
        #expect(Communities.Category.allCases.map(\.rawValue) == ["academic", "professional", "country", "interest", "skill"])
    }
}
