import API
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Helpers shared by the community and event route tests.
extension TestClientProtocol {
    /// Signs up `email` and gives them `role` through an admin (the only way to get moderator or
    /// admin over HTTP); returns the user id and an access token carrying the role.
    func signUp(_ fixture: APIFixture, email: String, grantedRole role: String) async throws -> (userID: String, access: String) {
        let user = try await signUp(fixture, email: email, role: role == "mentor" ? "mentor" : "student")
        guard role == "moderator" || role == "admin" else { return (user.userID, user.access) }
        let bootstrap = "bootstrap.admin@example.sn"
        if try await send(.post, "/auth/login", json: #"{"email": "\#(bootstrap)", "password": "correct horse battery"}"#).status != .ok {
            _ = try await signUp(fixture, email: bootstrap)
            _ = try await fixture.platform.accounts.promoteToAdmin(email: bootstrap)
        }
        let adminToken = try await logIn(bootstrap)
        let granted = try await send(.put, "/admin/users/\(user.userID)/role", json: #"{"role": "\#(role)"}"#, token: adminToken)
        #expect(granted.status == .noContent, "\(granted.text)")
        return (user.userID, try await logIn(email))
    }
}

extension TestResponse {
    /// The `items` of a list answer.
    func items() throws -> [[String: Any]] {
        try #require(jsonObject()["items"] as? [[String: Any]], "no items in \(text)")
    }
}
