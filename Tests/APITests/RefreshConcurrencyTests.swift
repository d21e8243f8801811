import API
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Security review, finding 15: a client that refreshes from several requests at once (tabs, retries)
/// must not be logged out by our own concurrency, while a spent token replayed later still ends the login.
@Suite struct RefreshConcurrencyTests {
    @Test func eightConcurrentRefreshesWithOneTokenAllGetTheSameNewTokenAndTheLoginLives() async throws {
        let (fixture, clock) = try APIFixture.onManualClock()
        try await fixture.test { client in
            let user = try await client.signUp(fixture, email: "tabs@example.sn")
            let answers = try await withThrowingTaskGroup(of: (status: Int, refresh: String?, access: String?).self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let response = try await client.refresh(user.refresh)
                        let pair = try? response.jsonObject()
                        return (response.status.code, pair?["refreshToken"] as? String, pair?["accessToken"] as? String)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.map(\.status) == Array(repeating: 200, count: 8), "\(answers.map(\.status))")
            let refreshTokens = Set(answers.compactMap(\.refresh))
            #expect(refreshTokens.count == 1, "one successor for one token: \(refreshTokens.count) different ones")
            #expect(refreshTokens.first != user.refresh)
            // Exactly one rotation was recorded, nothing revoked.
            let types = try fixture.eventTypes()
            #expect(types.filter { $0 == "identity.refresh-token-rotated" }.count == 1)
            #expect(!types.contains("identity.refresh-token-family-revoked"))

            // The login lives on: every access token works, and the shared successor refreshes.
            for access in answers.compactMap(\.access) {
                #expect(try await client.send(.get, "/users/me/export", token: access).status != .unauthorized)
            }
            let successor = try #require(refreshTokens.first)
            clock.advance(60)
            let next = try await client.refresh(successor)
            #expect(next.status == .ok, "\(next.text)")
        }
    }

    @Test func aSpentTokenPresentedAgainWithinTheGracePeriodGetsTheSameNewToken() async throws {
        let (fixture, clock) = try APIFixture.onManualClock()
        try await fixture.test { client in
            let user = try await client.signUp(fixture, email: "retry@example.sn")
            let first = try await client.refresh(user.refresh)
            #expect(first.status == .ok)
            let successor = try #require(first.jsonObject()["refreshToken"] as? String)
            clock.advance(9)
            // A retry of a request whose answer was lost.
            let retried = try await client.refresh(user.refresh)
            #expect(retried.status == .ok, "\(retried.text)")
            #expect(try retried.jsonObject()["refreshToken"] as? String == successor)
            let next = try await client.refresh(successor)
            #expect(next.status == .ok, "\(next.text)")
        }
    }

    @Test func aSpentTokenReplayedAfterTheGracePeriodRevokesTheLogin() async throws {
        let (fixture, clock) = try APIFixture.onManualClock()
        try await fixture.test { client in
            let user = try await client.signUp(fixture, email: "stolen@example.sn")
            let first = try await client.refresh(user.refresh)
            let successor = try #require(first.jsonObject()["refreshToken"] as? String)
            clock.advance(11)
            try await client.refresh(user.refresh).expectProblem(.unauthorized)
            // Both holders are out: the legitimate one's current token is dead too.
            try await client.refresh(successor).expectProblem(.unauthorized)
            let types = try fixture.eventTypes()
            #expect(types.contains("identity.refresh-token-family-revoked"))
        }
    }
}
