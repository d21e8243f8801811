import API
import EventLog
import EventSourcing
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Security review, finding 7: erasing an account is irreversible, so a bearer token alone (a
/// stolen one, an unlocked laptop) must not do it: the password confirms it, and the code too when
/// 2FA is on.
@Suite struct ErasureConfirmationTests {
    @Test func aStolenAccessTokenAloneErasesNothing() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let user = try await client.signUp(fixture, email: "keep.me@example.sn")
            let noBody = try await client.send(.delete, "/users/me", token: user.access)
            let problem = try noBody.expectProblem(.unprocessableContent)
            #expect((problem["errors"] as? [[String: Any]])?.first?["field"] as? String == "password")
            try await client.send(.delete, "/users/me", json: "{}", token: user.access).expectProblem(.unprocessableContent)
            try await client.send(.delete, "/users/me", json: #"{"password": "a guessed password"}"#, token: user.access)
                .expectProblem(.unprocessableContent)

            let types = try fixture.eventTypes()
            #expect(!types.contains("identity.account-erased"))
            #expect(!types.contains("identity.refresh-token-family-revoked"))
            #expect(try !fixture.platform.keys.isErased(try #require(UUID(uuidString: user.userID))))
            #expect(try await client.refresh(user.refresh).status == .ok)

            let erased = try await client.send(.delete, "/users/me", json: #"{"password": "correct horse battery"}"#, token: user.access)
            #expect(erased.status == .noContent, "\(erased.text)")
            try await client.send(.post, "/auth/login", json: #"{"email": "keep.me@example.sn", "password": "correct horse battery"}"#)
                .expectProblem(.unauthorized)
        }
    }

    @Test func wrongPasswordsOnAnErasureCountTowardsTheLock() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let user = try await client.signUp(fixture, email: "guessed@example.sn")
            for attempt in 1...5 {
                let guessed = try await client.send(.delete, "/users/me", json: #"{"password": "guess number \#(attempt)"}"#, token: user.access)
                try guessed.expectProblem(attempt < 5 ? .unprocessableContent : .tooManyRequests)
            }
            // Locked: even the right password waits, for the erasure and for a login.
            try await client.send(.delete, "/users/me", json: #"{"password": "correct horse battery"}"#, token: user.access)
                .expectProblem(.tooManyRequests)
            try await client.send(.post, "/auth/login", json: #"{"email": "guessed@example.sn", "password": "correct horse battery"}"#)
                .expectProblem(.tooManyRequests)
        }
    }

    @Test func withTwoFactorOnAnErasureAlsoNeedsAFreshCode() async throws {
        let (fixture, clock) = try APIFixture.onManualClock()
        try await fixture.test { client in
            let user = try await client.signUp(fixture, email: "two.keys@example.sn")
            let device = try await client.turnOnTwoFactor(access: user.access, clock: clock)
            let passwordOnly = try await client.send(.delete, "/users/me", json: #"{"password": "correct horse battery"}"#, token: user.access)
            let problem = try passwordOnly.expectProblem(.unprocessableContent)
            #expect((problem["errors"] as? [[String: Any]])?.first?["field"] as? String == "code")
            try await client.send(.delete, "/users/me", json: #"{"password": "correct horse battery", "code": "000000"}"#, token: user.access)
                .expectProblem(.unprocessableContent)
            #expect(!(try fixture.eventTypes().contains("identity.account-erased")))

            let erased = try await client.send(.delete, "/users/me", json: #"{"password": "correct horse battery", "code": "\#(device.nextCode())"}"#, token: user.access)
            #expect(erased.status == .noContent, "\(erased.text)")
        }
    }
}
