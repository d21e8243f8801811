import API
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The demo tells a story from the first run: every person has a full profile, and the demo
/// student's recommendations show something real.
@Suite struct DemoProfilesTests {
    @Test func everyDemoPersonHasAFullProfileAndAwaGetsScholarshipRecommendations() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let logins = try await DemoData.seedIfEmpty(fixture.platform, users: 20, progress: nil)
            let head = fixture.platform.log.head
            var minPosition = HTTPFields()
            minPosition[HTTPField.Name("X-Min-Position")!] = String(head)
            for email in [logins.student, logins.mentor, logins.admin, "fatou.traore.2@demo.protalent.app"] {
                let token = try await client.logIn(email, password: DemoData.password)
                let profile = try await client.send(.get, "/users/profile", token: token, headers: minPosition).jsonObject()
                #expect((profile["bio"] as? String)?.isEmpty == false, "\(email): \(profile)")
                #expect((profile["languages"] as? [Any])?.count ?? 0 >= 2, "\(email)")
                #expect(profile["city"] as? String != nil && profile["countryCode"] as? String != nil, "\(email)")
                if email != logins.admin {
                    #expect((profile["skills"] as? [Any])?.isEmpty == false && (profile["experience"] as? [Any])?.isEmpty == false, "\(email)")
                    #expect(profile["fieldOfStudy"] as? String != nil && profile["currentEducationLevel"] as? String != nil, "\(email)")
                }
            }
            let awa = try await client.logIn(logins.student, password: DemoData.password)
            let recommended = try await client.send(.post, "/ai/recommendations/scholarships", json: #"{"limit": 10}"#, token: awa, headers: minPosition)
            let items = try #require(try recommended.jsonObject()["items"] as? [[String: Any]], "\(recommended.text)")
            #expect(items.count >= 2, "awa.diop's scholarship recommendations: \(recommended.text)")
            #expect(items.contains { $0["title"] as? String == "Bourse de la Fondation Orange pour le numérique" }, "\(items.map { $0["title"] ?? "" })")
            let mentors = try await client.send(.post, "/ai/recommendations/mentors", json: #"{"limit": 5}"#, token: awa, headers: minPosition)
            #expect((try mentors.jsonObject()["items"] as? [Any])?.isEmpty == false, "\(mentors.text)")
        }
    }
}
