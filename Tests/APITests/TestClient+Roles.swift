import API
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Sign-in helpers for the role-bound suites.
extension TestClientProtocol {
    /// Signs `email` up and promotes it to admin; returns its id and an admin access token.
    func signUpAdmin(_ fixture: APIFixture, email: String) async throws -> (userID: String, access: String) {
        let user = try await signUp(fixture, email: email)
        try await fixture.platform.accounts.promoteToAdmin(email: email)
        return (user.userID, try await logIn(email))
    }

    /// A GET that waits for the read models to reach `position` (read-your-writes).
    func get(_ uri: String, token: String?, after position: Int64?, accept: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let position { headers[HTTPField.Name("X-Min-Position")!] = String(position) }
        if let accept { headers[.accept] = accept }
        return try await send(.get, uri, token: token, headers: headers)
    }
}
