import Domain
import EventSourcing
import Foundation
import Projections
import ProjectionsTestSupport
import ReadModels
import Testing

/// Community read model and queries, from a history decided by `Communities` and projected by
/// `projections/communities.sql`.
@Suite struct CommunityQueriesTests {
    static let owner = DomainHistory.id(1), awa = DomainHistory.id(2), binta = DomainHistory.id(3), cheikh = DomainHistory.id(4)
    static let platformModerator = DomainHistory.id(9)
    static let publicID = DomainHistory.id(100), privateID = DomainHistory.id(101)
    static let post1 = DomainHistory.id(201), post2 = DomainHistory.id(202), post3 = DomainHistory.id(203), post4 = DomainHistory.id(204)

    static func student(_ id: UUID) -> Principal { .user(id, .student) }
    static func minute(_ m: Double) -> Date { DomainHistory.at(days: 0, hours: m / 60) }

    /// A public community where a post is removed and a member banned; a private one with an
    /// approved member, a pending request and a rejected one.
    static func history() async throws -> DomainHistory {
        let history = try DomainHistory("communities")
        let owner = Principal.user(Self.owner, .mentor)
        try await history.community(publicID, .create(communityID: publicID, .init(
            name: "Data Science Dakar", description: "Meetups and study groups", category: .professional, countryCode: "SN", city: "Dakar", isPrivate: false
        ), by: owner, now: minute(0)))
        try await history.community(privateID, .create(communityID: privateID, .init(
            name: "Women in Tech", description: "A safe space", category: .interest, countryCode: "CI", isPrivate: true
        ), by: owner, now: minute(1)))
        try await history.community(publicID, .join(by: student(awa), now: minute(2)))
        try await history.community(publicID, .join(by: student(binta), now: minute(3)))
        try await history.community(publicID, .post(postID: post1, title: "Hello", body: "First post", by: student(awa), now: minute(4)))
        try await history.community(publicID, .post(postID: post2, title: nil, body: "Spam", by: student(binta), now: minute(5)))
        try await history.community(publicID, .post(postID: post3, title: "Meetup", body: "Saturday 10:00", by: student(awa), now: minute(6)))
        try await history.community(publicID, .removePost(postID: post2, by: owner, now: minute(7)))
        try await history.community(publicID, .ban(userID: binta, by: owner, now: minute(8)))
        try await history.community(privateID, .join(by: student(awa), now: minute(9)))
        try await history.community(privateID, .approveJoin(userID: awa, by: owner, now: minute(10)))
        try await history.community(privateID, .join(by: student(cheikh), now: minute(11)))
        try await history.community(privateID, .join(by: student(binta), now: minute(12)))
        try await history.community(privateID, .rejectJoin(userID: binta, by: owner, now: minute(13)))
        try await history.community(privateID, .post(postID: post4, title: nil, body: "Members only", by: student(awa), now: minute(14)))
        return history
    }

    @Test func privatePostsAreHiddenFromNonMembersAndRemovedPostsFromEveryone() async throws {
        let history = try await Self.history()
        defer { history.close() }
        let communities = try await history.project().communities

        for viewer in [nil, Self.student(Self.cheikh), Self.student(Self.binta)] {
            guard case .notAMember = try communities.posts(in: Self.privateID, viewer: viewer) else {
                Issue.record("\(String(describing: viewer)) read a private community's posts")
                continue
            }
        }
        guard case .notAMember = try communities.post(id: Self.post4, viewer: Self.student(Self.cheikh)) else {
            Issue.record("a non-member read a private post by id")
            return
        }
        #expect(try communities.posts(in: Self.privateID, viewer: Self.student(Self.awa)).value?.items.map(\.body) == ["Members only"])
        #expect(try communities.posts(in: Self.privateID, viewer: .user(Self.platformModerator, .moderator)).value?.items.count == 1)
        #expect(try communities.members(of: Self.privateID, viewer: nil).value == nil)
        guard case .notFound = try communities.posts(in: DomainHistory.id(999), viewer: nil) else {
            Issue.record("an unknown community was not reported as such")
            return
        }

        let publicPosts = try #require(try communities.posts(in: Self.publicID, viewer: nil).value)
        #expect(publicPosts.items.map(\.id) == [Self.post3, Self.post1].map { $0.uuidString.lowercased() })
        #expect(publicPosts.items.first?.title == "Meetup")
        #expect(publicPosts.items.allSatisfy { !$0.removed })
        #expect(publicPosts.nextCursor == nil)
        guard case .notFound = try communities.post(id: Self.post2, viewer: nil) else {
            Issue.record("a removed post was found by id")
            return
        }
        #expect(try communities.post(id: Self.post1, viewer: nil).value?.body == "First post")
    }

    @Test func bannedMembersLeaveTheListAndTheDetailSaysWhereTheViewerStands() async throws {
        let history = try await Self.history()
        defer { history.close() }
        let communities = try await history.project().communities

        let detail = try #require(try communities.community(id: Self.publicID, viewer: Self.binta))
        #expect(detail.viewerMembership == .banned)
        #expect(detail.memberCount == 2)
        #expect(detail.postCount == 2)
        #expect(detail.ownerId == Self.owner.uuidString.lowercased())
        #expect(detail.lastActivityAt == "2026-11-23T09:06:00Z")
        let members = try #require(try communities.members(of: Self.publicID, viewer: nil).value)
        #expect(members.items.map(\.userId) == [Self.owner, Self.awa].map { $0.uuidString.lowercased() })
        #expect(members.items.map(\.role) == [.owner, .member])

        func standing(_ viewer: UUID?) throws -> CommunityMembership? {
            try communities.community(id: Self.privateID, viewer: viewer)?.viewerMembership
        }
        #expect(try standing(Self.owner) == .owner)
        #expect(try standing(Self.awa) == .member)
        #expect(try standing(Self.cheikh) == .pending)
        #expect(try standing(Self.binta) == CommunityMembership.none)
        #expect(try standing(nil) == CommunityMembership.none)
        #expect(try communities.community(id: DomainHistory.id(999)) == nil)

        // The export: every standing, and removed posts too.
        #expect(try communities.communities(ofUser: Self.binta).map(\.status) == [.banned])
        #expect(try communities.communities(ofUser: Self.cheikh).map(\.status) == [.pending])
        #expect(try communities.communities(ofUser: Self.awa).map(\.communityId) == [Self.publicID, Self.privateID].map { $0.uuidString.lowercased() })
        let removed = try communities.posts(byUser: Self.binta)
        #expect(removed.map(\.removed) == [true])
        #expect(removed.first?.body == "Spam")
    }

    @Test func filtersMatchCategoryCountryAndPlainSubstrings() async throws {
        let history = try await Self.history()
        defer { history.close() }
        let communities = try await history.project().communities
        func names(_ filter: CommunityFilter) throws -> [String] { try communities.list(filter).items.map(\.name) }

        #expect(try names(CommunityFilter()) == ["Data Science Dakar", "Women in Tech"])
        #expect(try names(CommunityFilter(category: .interest)) == ["Women in Tech"])
        #expect(try names(CommunityFilter(country: "sn")) == ["Data Science Dakar"])
        #expect(try names(CommunityFilter(query: "TECH")) == ["Women in Tech"])
        #expect(try names(CommunityFilter(query: "study")) == ["Data Science Dakar"])  // the description
        #expect(try names(CommunityFilter(query: "%")) == [])  // taken literally
        #expect(try names(CommunityFilter(category: .professional, country: "CI")) == [])
        #expect(try communities.list().items.allSatisfy { $0.viewerMembership == nil })
    }

    @Test func pagingOverThreePagesNeitherRepeatsNorSkips() async throws {
        let history = try DomainHistory("community-pages")
        defer { history.close() }
        let owner = Principal.user(Self.owner, .mentor)
        // Names that differ only by case sort together (NOCASE); the id breaks the tie.
        for (index, name) in ["club", "Club", "Atelier", "zèbre", "Math", "math", "Bio"].enumerated() {
            let id = DomainHistory.id(300 + index)
            try await history.community(id, .create(communityID: id, .init(name: name, category: .academic, isPrivate: false), by: owner, now: Self.minute(Double(index))))
        }
        // Seven posts in the same second: the id orders them.
        for index in 0..<7 {
            try await history.community(DomainHistory.id(300), .post(postID: DomainHistory.id(400 + index), title: nil, body: "post \(index)", by: owner, now: Self.minute(10)))
        }
        let communities = try await history.project().communities

        var pages: [[CommunityView]] = []
        var cursor: PageCursor?
        repeat {
            let page = try communities.list(page: PageRequest(limit: 3, cursor: cursor))
            pages.append(page.items)
            cursor = page.nextCursor.flatMap(PageCursor.init(encoded:))
        } while cursor != nil && pages.count < 10
        #expect(pages.map(\.count) == [3, 3, 1])
        let all = try communities.list(page: PageRequest(limit: 100)).items
        #expect(pages.flatMap { $0 } == all)
        #expect(all.map { $0.name.lowercased() } == ["atelier", "bio", "club", "club", "math", "math", "zèbre"])

        var posts: [CommunityPost] = []
        cursor = nil
        var count = 0
        repeat {
            let page = try #require(try communities.posts(in: DomainHistory.id(300), viewer: nil, page: PageRequest(limit: 3, cursor: cursor)).value)
            posts += page.items
            cursor = page.nextCursor.flatMap(PageCursor.init(encoded:))
            count += 1
        } while cursor != nil && count < 10
        #expect(count == 3)
        #expect(posts.map(\.id) == (0..<7).reversed().map { DomainHistory.id(400 + $0).uuidString.lowercased() })
    }

    @Test func anErasedAuthorsWordsReadAsErasedAfterARebuild() async throws {
        let history = try await Self.history()
        defer { history.close() }
        let set = try await history.project()
        #expect(try set.communities.posts(byUser: Self.awa).map(\.body) == ["First post", "Saturday 10:00", "Members only"])

        try history.fixture.keys.erase(subject: Self.awa)
        try await set.rebuild(["communities"])
        let posts = try set.communities.posts(byUser: Self.awa)
        #expect(posts.map(\.body) == ["[erased]", "[erased]", "[erased]"])
        #expect(posts.map(\.title) == ["[erased]", "[erased]", nil])
        #expect(try set.communities.posts(byUser: Self.binta).map(\.body) == ["Spam"])
    }
}
