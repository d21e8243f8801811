import API
import EventLog
import EventSourcing
import HTTPTypes
import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@Suite struct AccessTests {
    @Test func onlyAdminsGrantRolesAndNobodyChangesTheirOwn() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let student = try await client.signUp(fixture, email: "student@example.sn")
            let other = try await client.signUp(fixture, email: "other@example.sn")
            let adminUser = try await client.signUp(fixture, email: "admin@example.sn")
            try await client.send(.put, "/admin/users/\(other.userID)/role", json: #"{"role": "admin"}"#, token: student.access)
                .expectProblem(.forbidden)

            try await fixture.platform.accounts.promoteToAdmin(email: "ADMIN@example.sn")
            // The role is in the token: log in again to carry it.
            let admin = try await client.send(.post, "/auth/login", json: #"{"email": "admin@example.sn", "password": "correct horse battery"}"#)
            let adminToken = try #require(admin.jsonObject()["accessToken"] as? String)
            let granted = try await client.send(.put, "/admin/users/\(other.userID)/role", json: #"{"role": "moderator"}"#, token: adminToken)
            #expect(granted.status == .noContent, "\(granted.text)")
            try await client.send(.put, "/admin/users/\(adminUser.userID)/role", json: #"{"role": "student"}"#, token: adminToken)
                .expectProblem(.forbidden)
            try await client.send(.put, "/admin/users/\(UUID())/role", json: #"{"role": "mentor"}"#, token: adminToken)
                .expectProblem(.notFound)
            try await client.send(.put, "/admin/users/\(other.userID)/role", json: #"{"role": "superuser"}"#, token: adminToken)
                .expectProblem(.unprocessableContent)
            await #expect(throws: APIError.self) { try await fixture.platform.accounts.promoteToAdmin(email: "missing@example.sn") }
        }
    }

    @Test func everyRouteIsInTheAccessPolicyAndAnonymousCallersAreRefusedWhereSignInIsRequired() async throws {
        let fixture = try APIFixture()
        let routes = try buildRouter(platform: fixture.platform).routes.entries
        #expect(Set(routes.map { "\($0.method) \($0.path)" }) == Set(AccessPolicy.rules.keys))
        try await fixture.test { client in
            for route in routes where route.access != .anonymous {
                let path = route.path.replacingOccurrences(of: "{id}", with: UUID().uuidString)
                    .replacingOccurrences(of: "{name}", with: "audit").replacingOccurrences(of: "{hash}", with: "00")
                let response = try await client.send(HTTPRequest.Method(route.method)!, path, json: "{}")
                try response.expectProblem(.unauthorized)
            }
        }
    }

    /// Every role against every route the policy closes to it: each must answer 403 (problem+json)
    /// before touching anything. Table-driven from `AccessPolicy`, so new routes are covered.
    @Test func everyRoleIsRefusedWhereThePolicyExcludesIt() async throws {
        let fixture = try APIFixture()
        let routes = try buildRouter(platform: fixture.platform).routes.entries
        try await fixture.test { client in
            var tokens: [Role: String] = [:]
            for role in Role.allCases {
                tokens[role] = try await client.signUp(fixture, email: "\(role.rawValue)@roles.example.org", role: role == .mentor ? "mentor" : "student").access
            }
            // The admin is bootstrapped; the admin makes the moderator; both log in again to carry the role.
            try await fixture.platform.accounts.promoteToAdmin(email: "admin@roles.example.org")
            tokens[.admin] = try await client.logIn("admin@roles.example.org")
            let moderator = try fixture.platform.accounts.userID(forEmail: "moderator@roles.example.org")
            let moderatorID = try #require(moderator)
            let granted = try await client.send(.put, "/admin/users/\(moderatorID)/role", json: #"{"role": "moderator"}"#, token: tokens[.admin])
            #expect(granted.status == .noContent)
            tokens[.moderator] = try await client.logIn("moderator@roles.example.org")
            var checked = 0
            for route in routes {
                guard case .roles(let allowed) = route.access else { continue }
                for role in Role.allCases where !allowed.contains(role) {
                    let path = route.path.replacingOccurrences(of: "{id}", with: UUID().uuidString)
                        .replacingOccurrences(of: "{name}", with: "audit").replacingOccurrences(of: "{hash}", with: "00")
                        .replacingOccurrences(of: "{userId}", with: UUID().uuidString).replacingOccurrences(of: "{postId}", with: UUID().uuidString)
                    let response = try await client.send(HTTPRequest.Method(route.method)!, path, json: "{}", token: tokens[role])
                    try response.expectProblem(.forbidden)
                    #expect(response.logPosition == nil, "\(route.method) \(route.path) as \(role) changed state")
                    checked += 1
                }
            }
            #expect(checked > 0)
        }
    }

    @Test func erasureRevokesTokensAndForgetsTheAddress() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let user = try await client.signUp(fixture, email: "erase.me@example.ml")
            let erased = try await client.eraseAccount(token: user.access)
            #expect(erased.status == .noContent, "\(erased.text)")
            try await client.send(.post, "/auth/refresh", json: #"{"refreshToken": "\#(user.refresh)"}"#).expectProblem(.unauthorized)
            try await client.send(.post, "/auth/login", json: #"{"email": "erase.me@example.ml", "password": "correct horse battery"}"#)
                .expectProblem(.unauthorized)
            #expect(try fixture.platform.keys.isErased(try #require(UUID(uuidString: user.userID))))
            // The address is free again: a new account (a new person id) can use it.
            let again = try await client.send(.post, "/auth/register", json: """
                {"email": "erase.me@example.ml", "password": "correct horse battery", "firstName": "N", "lastName": "M", "role": "student"}
                """)
            #expect(again.status == .created)
        }
    }

    /// After an erasure, no read-model file (database or write-ahead log) holds the person's words.
    @Test func erasureLeavesNoTraceInAnyReadModelFile() async throws {
        let fixture = try APIFixture()
        let readModels = fixture.directory.url.appendingPathComponent("readmodels")
        @Sendable func filesHolding(_ needle: String) throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: readModels.path).filter { name in
                let data = try Data(contentsOf: readModels.appendingPathComponent(name))
                return data.range(of: Data(needle.utf8)) != nil
            }
        }
        try await fixture.test { client in
            let registered = try await client.send(.post, "/auth/register", json: """
                {"email": "trace@example.ml", "password": "correct horse battery", "firstName": "Oumou", "lastName": "Quetzalcoatlus", "role": "student"}
                """)
            #expect(registered.status == .created)
            let token = try await client.logIn("trace@example.ml")
            let update = try await client.send(.put, "/users/profile", json: #"{"bio": "Zanzibarique tisserande", "city": "Tombouctouville"}"#, token: token)
            let before = try #require(update.logPosition)
            #expect(await fixture.platform.readYourWrites.reach(before, timeout: .seconds(5)))
            #expect(try !filesHolding("Quetzalcoatlus").isEmpty, "control: the name must be in the read models before the erasure")
            #expect(try !filesHolding("Zanzibarique").isEmpty)

            let erased = try await client.eraseAccount(token: token)
            #expect(erased.status == .noContent)
            // The scrub runs after the answer, from its durable queue, once the projections have the erasure.
            await fixture.platform.erasure.jobs.waitUntilEmpty()
            let left = try filesHolding("Quetzalcoatlus") + filesHolding("Zanzibarique") + filesHolding("Tombouctouville")
            #expect(left.isEmpty, "still in: \(left)")
        }
    }
}
