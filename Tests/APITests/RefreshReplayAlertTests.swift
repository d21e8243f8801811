import API
import Domain
import EventLog
import EventSourcing
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The one alert the end-to-end suite cannot drive without waiting out the refresh grace period:
/// a spent refresh token presented again later raises `refresh_token_replay`, recorded in the log.
@Suite struct RefreshReplayAlertTests {
    @Test(.timeLimit(.minutes(2)))
    func aSpentRefreshTokenPresentedAgainRaisesAnAlert() async throws {
        let (fixture, clock) = try APIFixture.onManualClock()
        let start = fixture.platform.log.head + 1
        try await fixture.test { client in
            let user = try await client.signUp(fixture, email: "replayed@example.sn")
            let refreshed = try await client.refresh(user.refresh)
            #expect(refreshed.status == .ok)
            clock.advance(Identity.Account.refreshGracePeriod + 1)
            let replayed = try await client.refresh(user.refresh)
            #expect(replayed.status == .unauthorized, "\(replayed.text)")
            // Waits on the log itself for the alert's event (the service records it after the answer).
            for try await record in fixture.platform.log.subscribe(from: start) where record.type == "security.alert-raised" {
                guard case .raised(let alert) = try fixture.platform.store.codec.decode(SecurityAlerts.Event.self, from: record) else { continue }
                #expect(alert.kind == .refreshTokenReplay)
                #expect(alert.userId?.uuidString.lowercased() == user.userID)
                break
            }
        }
    }
}
