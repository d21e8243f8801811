import API
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct DemoSocialTests {
    /// The demo gives a newcomer living communities and events to browse.
    @Test func theDemoHasCommunitiesAndEventsOfEveryKind() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let logins = try await DemoData.seedIfEmpty(fixture.platform, users: 20, progress: nil)
            let login = try await client.send(.post, "/auth/login", json: #"{"email": "\#(logins.student)", "password": "\#(DemoData.password)"}"#)
            let token = try #require(login.jsonObject()["accessToken"] as? String)
            let head = fixture.platform.log.head

            let communities = try await client.get("/communities?limit=100", token: token, after: head).items()
            #expect(communities.count == 8)
            #expect(Set(communities.compactMap { $0["category"] as? String }).count == 5)
            #expect(Set(communities.compactMap { $0["countryCode"] as? String }).count >= 4)
            #expect(communities.contains { $0["isPrivate"] as? Bool == true })
            #expect(communities.allSatisfy { ($0["memberCount"] as? Int ?? 0) > 2 && ($0["postCount"] as? Int ?? 0) >= 3 })

            let events = try await client.get("/events?limit=100&from=2000-01-01T00:00:00Z", token: token, after: nil).items()
            let now = Date()
            let starts = events.compactMap { ($0["startDate"] as? String).flatMap(Timestamp.parse) }
            #expect(starts.contains { $0 < now } && starts.contains { $0 > now })
            #expect(events.contains { ($0["waitlistCount"] as? Int ?? 0) > 0 && $0["seatsLeft"] as? Int == 0 })
            #expect(Set(events.compactMap { $0["isOnline"] as? Bool }) == [true, false])

            let types = try fixture.platform.log.read(from: 1, maxCount: 100_000).map(\.type)
            let requested = types.filter { $0 == "communities.join-requested" }.count
            let answered = types.filter { $0 == "communities.join-approved" || $0 == "communities.join-rejected" }.count
            #expect(requested > answered, "some join requests are left pending")
            #expect(types.contains("communities.member-banned") && types.contains("gatherings.waitlist-promoted"))
        }
    }
}
