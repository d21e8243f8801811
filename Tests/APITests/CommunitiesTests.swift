import API
import Domain
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct CommunitiesTests {
    static func create(
        _ client: some TestClientProtocol, token: String, name: String, category: String = "academic", country: String = "SN",
        isPrivate: Bool = false
    ) async throws -> (id: String, position: Int64) {
        let response = try await client.send(.post, "/communities", json: """
            {"name": "\(name)", "description": "A place for \(name)", "category": "\(category)", "countryCode": "\(country)", "city": "Dakar", "isPrivate": \(isPrivate)}
            """, token: token)
        #expect(response.status == .created, "\(response.text)")
        let id = try #require(response.jsonObject()["communityId"] as? String)
        return (id, try #require(response.logPosition))
    }

    @Test func createBrowseFilterAndShow() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let owner = try await client.signUp(fixture, email: "owner@example.sn")
            let viewer = try await client.signUp(fixture, email: "viewer@example.sn")
            let data = try await Self.create(client, token: owner.access, name: "Data Science Dakar", category: "skill")
            _ = try await Self.create(client, token: owner.access, name: "Law students", category: "academic", country: "CI")
            let last = try await Self.create(client, token: owner.access, name: "Medicine prep", category: "academic", country: "ML", isPrivate: true)

            let all = try await client.get("/communities", token: viewer.access, after: last.position)
            #expect(all.status == .ok)
            #expect(try all.items().map { $0["name"] as? String } == ["Data Science Dakar", "Law students", "Medicine prep"])
            #expect(try all.jsonObject().keys.contains("nextCursor"))
            #expect(try await client.get("/communities?category=skill", token: viewer.access, after: nil).items().count == 1)
            #expect(try await client.get("/communities?country=ci", token: viewer.access, after: nil).items().map { $0["name"] as? String } == ["Law students"])
            #expect(try await client.get("/communities?q=medicine", token: viewer.access, after: nil).items().count == 1)
            let firstPage = try await client.get("/communities?limit=2", token: viewer.access, after: nil)
            let cursor = try #require(firstPage.jsonObject()["nextCursor"] as? String)
            #expect(try await client.get("/communities?limit=2&cursor=\(cursor)", token: viewer.access, after: nil).items().count == 1)
            try await client.get("/communities?category=sports", token: viewer.access, after: nil).expectProblem(.badRequest)
            try await client.get("/communities?cursor=%%%", token: viewer.access, after: nil).expectProblem(.badRequest)

            let detail = try await client.get("/communities/\(data.id)", token: viewer.access, after: nil).jsonObject()
            #expect(detail["name"] as? String == "Data Science Dakar")
            #expect(detail["ownerId"] as? String == owner.userID)
            #expect(detail["memberCount"] as? Int == 1)
            #expect(detail["viewerMembership"] as? String == "none")
            #expect(try await client.get("/communities/\(data.id)", token: owner.access, after: nil).jsonObject()["viewerMembership"] as? String == "owner")
            try await client.get("/communities/\(UUID())", token: viewer.access, after: nil).expectProblem(.notFound)
            try await client.get("/communities/not-a-uuid", token: viewer.access, after: nil).expectProblem(.notFound)
            try await client.send(.get, "/communities").expectProblem(.unauthorized)
        }
    }

    @Test func createValidatesEveryField() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let user = try await client.signUp(fixture, email: "creator@example.sn")
            let bad = [
                (#"{"name": "X", "category": "sports", "isPrivate": false}"#, "category"),
                (#"{"category": "academic", "isPrivate": false}"#, "name"),
                (#"{"name": "  ", "category": "academic", "isPrivate": false}"#, "name"),
                (#"{"name": "X", "category": "academic"}"#, "isPrivate"),
                (#"{"name": "X", "category": "academic", "isPrivate": "yes"}"#, "isPrivate"),
                (#"{"name": "X", "category": "academic", "isPrivate": false, "countryCode": "Senegal"}"#, "countryCode"),
            ]
            for (body, field) in bad {
                let problem = try await client.send(.post, "/communities", json: body, token: user.access).expectProblem(.unprocessableContent)
                let fields = (problem["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
                #expect(fields == [field], "\(body)")
            }
            try await client.send(.post, "/communities", json: "{not json", token: user.access).expectProblem(.badRequest)
        }
    }

    @Test func joiningPublicAndPrivateCommunitiesAndAnsweringRequests() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let owner = try await client.signUp(fixture, email: "owner@example.sn")
            let alice = try await client.signUp(fixture, email: "alice@example.sn")
            let bob = try await client.signUp(fixture, email: "bob@example.sn")
            let carol = try await client.signUp(fixture, email: "carol@example.sn")
            let moderator = try await client.signUp(fixture, email: "mod@example.sn", grantedRole: "moderator")
            let open = try await Self.create(client, token: owner.access, name: "Open")
            let closed = try await Self.create(client, token: owner.access, name: "Closed", isPrivate: true)

            let joined = try await client.send(.post, "/communities/\(open.id)/join", token: alice.access)
            #expect(joined.status == .ok)
            #expect(try joined.jsonObject()["status"] as? String == "member")
            #expect(joined.logPosition != nil)
            try await client.send(.post, "/communities/\(open.id)/join", token: alice.access).expectProblem(.conflict)
            try await client.send(.post, "/communities/\(UUID())/join", token: alice.access).expectProblem(.notFound)

            // Private: a request, and the content stays closed until it is approved.
            for user in [alice, bob, carol] {
                let asked = try await client.send(.post, "/communities/\(closed.id)/join", token: user.access)
                #expect(try asked.jsonObject()["status"] as? String == "pending", "\(asked.text)")
            }
            try await client.send(.post, "/communities/\(closed.id)/join", token: alice.access).expectProblem(.conflict)
            try await client.get("/communities/\(closed.id)/posts", token: alice.access, after: nil).expectProblem(.forbidden)
            try await client.get("/communities/\(closed.id)/members", token: alice.access, after: nil).expectProblem(.forbidden)
            let pending = try await client.get("/communities/\(closed.id)", token: alice.access, after: fixture.platform.log.head)
            #expect(try pending.jsonObject()["viewerMembership"] as? String == "pending")

            // Only the owner, a moderator or an admin answers.
            try await client.send(.post, "/communities/\(closed.id)/requests/\(alice.userID)/approve", token: bob.access).expectProblem(.forbidden)
            let approved = try await client.send(.post, "/communities/\(closed.id)/requests/\(alice.userID)/approve", token: owner.access)
            #expect(approved.status == .noContent)
            #expect(approved.logPosition != nil)
            let rejected = try await client.send(.post, "/communities/\(closed.id)/requests/\(bob.userID)/reject", token: moderator.access)
            #expect(rejected.status == .noContent, "\(rejected.text)")
            try await client.send(.post, "/communities/\(closed.id)/requests/\(bob.userID)/approve", token: owner.access).expectProblem(.notFound)
            try await client.send(.post, "/communities/\(closed.id)/requests/\(UUID())/reject", token: owner.access).expectProblem(.notFound)
            try await client.send(.post, "/communities/\(UUID())/requests/\(carol.userID)/approve", token: owner.access).expectProblem(.notFound)

            let members = try await client.get("/communities/\(closed.id)/members", token: alice.access, after: fixture.platform.log.head)
            // Oldest first; joins in the same second are ordered by id, so compare roles by user.
            let roles = Dictionary(uniqueKeysWithValues: try members.items().map { ($0["userId"] as? String ?? "", $0["role"] as? String ?? "") })
            #expect(roles == [owner.userID: "owner", alice.userID: "member"])
            try await client.get("/communities/\(closed.id)/members", token: bob.access, after: nil).expectProblem(.forbidden)
            // A platform moderator reads every community.
            #expect(try await client.get("/communities/\(closed.id)/members", token: moderator.access, after: nil).status == .ok)

            // Leaving: members may, the owner may not.
            let left = try await client.send(.post, "/communities/\(open.id)/leave", token: alice.access)
            #expect(left.status == .noContent)
            try await client.send(.post, "/communities/\(open.id)/leave", token: alice.access).expectProblem(.conflict)
            try await client.send(.post, "/communities/\(open.id)/leave", token: owner.access).expectProblem(.conflict)
            let openMembers = try await client.get("/communities/\(open.id)/members", token: bob.access, after: left.logPosition)
            #expect(try openMembers.items().map { $0["userId"] as? String } == [owner.userID])
        }
    }

    @Test func postingRemovingAndBanning() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let owner = try await client.signUp(fixture, email: "owner@example.sn")
            let member = try await client.signUp(fixture, email: "member@example.sn")
            let other = try await client.signUp(fixture, email: "other@example.sn")
            let outsider = try await client.signUp(fixture, email: "outsider@example.sn")
            let admin = try await client.signUp(fixture, email: "admin@example.sn", grantedRole: "admin")
            let community = try await Self.create(client, token: owner.access, name: "Study group")
            for user in [member, other] { _ = try await client.send(.post, "/communities/\(community.id)/join", token: user.access) }

            try await client.send(.post, "/communities/\(community.id)/posts", json: #"{"body": "hello"}"#, token: outsider.access)
                .expectProblem(.forbidden)
            try await client.send(.post, "/communities/\(UUID())/posts", json: #"{"body": "hello"}"#, token: member.access).expectProblem(.notFound)
            let emptyBody = try await client.send(.post, "/communities/\(community.id)/posts", json: #"{"body": " "}"#, token: member.access)
            #expect(try emptyBody.expectProblem(.unprocessableContent)["errors"].map { "\($0)" }?.contains("body") == true)
            try await client.send(.post, "/communities/\(community.id)/posts", json: #"{"title": "t"}"#, token: member.access)
                .expectProblem(.unprocessableContent)

            let posted = try await client.send(.post, "/communities/\(community.id)/posts", json: #"{"title": "Hi", "body": "First post"}"#, token: member.access)
            #expect(posted.status == .created, "\(posted.text)")
            let postID = try #require(posted.jsonObject()["postId"] as? String)
            let second = try await client.send(.post, "/communities/\(community.id)/posts", json: #"{"body": "Second"}"#, token: other.access)
            let secondID = try #require(second.jsonObject()["postId"] as? String)

            let listed = try await client.get("/communities/\(community.id)/posts", token: outsider.access, after: second.logPosition)
            // Newest first; two posts in the same second are ordered by id, so compare as a set.
            #expect(Set(try listed.items().compactMap { $0["id"] as? String }) == [secondID, postID])
            let first = try #require(try listed.items().first { $0["id"] as? String == postID })
            #expect(first["title"] as? String == "Hi")
            #expect(first["body"] as? String == "First post")
            #expect(first["authorId"] as? String == member.userID)

            // Removal: the author, a moderator (here the owner) or an admin; nobody else.
            try await client.send(.delete, "/communities/\(community.id)/posts/\(postID)", token: other.access).expectProblem(.forbidden)
            try await client.send(.delete, "/communities/\(community.id)/posts/\(UUID())", token: member.access).expectProblem(.notFound)
            let removed = try await client.send(.delete, "/communities/\(community.id)/posts/\(postID)", token: member.access)
            #expect(removed.status == .noContent)
            let byAdmin = try await client.send(.delete, "/communities/\(community.id)/posts/\(secondID)", token: admin.access)
            #expect(byAdmin.status == .noContent, "\(byAdmin.text)")
            #expect(try await client.get("/communities/\(community.id)/posts", token: owner.access, after: byAdmin.logPosition).items().isEmpty)

            // Banning: owner, moderators, admins; a banned member can neither post nor come back.
            try await client.send(.post, "/communities/\(community.id)/members/\(other.userID)/ban", token: member.access).expectProblem(.forbidden)
            try await client.send(.post, "/communities/\(community.id)/members/\(owner.userID)/ban", token: admin.access).expectProblem(.conflict)
            let banned = try await client.send(.post, "/communities/\(community.id)/members/\(other.userID)/ban", token: owner.access)
            #expect(banned.status == .noContent)
            #expect(banned.logPosition != nil)
            try await client.send(.post, "/communities/\(community.id)/posts", json: #"{"body": "again"}"#, token: other.access).expectProblem(.forbidden)
            try await client.send(.post, "/communities/\(community.id)/join", token: other.access).expectProblem(.forbidden)
            let members = try await client.get("/communities/\(community.id)/members", token: owner.access, after: banned.logPosition)
            #expect(Set(try members.items().compactMap { $0["userId"] as? String }) == [owner.userID, member.userID])
            let standing = try await client.get("/communities/\(community.id)", token: other.access, after: nil)
            #expect(try standing.jsonObject()["viewerMembership"] as? String == "banned")
            let byPlatformAdmin = try await client.send(.post, "/communities/\(community.id)/members/\(member.userID)/ban", token: admin.access)
            #expect(byPlatformAdmin.status == .noContent)
        }
    }
}
