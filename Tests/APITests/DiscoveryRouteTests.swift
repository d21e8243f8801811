import API
import EventLog
import EventSourcing
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct DiscoveryRouteTests {
    /// A student, an admin and two scholarships (one the student qualifies for, one they do not),
    /// with the position the read models must reach.
    static func setUp(_ fixture: APIFixture, _ client: any TestClientProtocol) async throws -> (student: (userID: String, access: String), other: String, admin: String, position: Int64) {
        let student = try await client.signUp(fixture, email: "awa@reco.example.sn")
        let other = try await client.signUp(fixture, email: "kofi@reco.example.gh")
        _ = try await client.signUp(fixture, email: "admin@reco.example.org")
        try await fixture.platform.accounts.promoteToAdmin(email: "admin@reco.example.org")
        let admin = try await client.logIn("admin@reco.example.org")
        _ = try await client.send(.put, "/users/profile", json: """
            {"firstName": "Awa", "currentEducationLevel": "master", "fieldOfStudy": "Computer Science", "countryCode": "SN",
             "careerGoals": ["data scientist"], "interests": ["machine learning", "santé"], "languages": [{"code": "fr", "level": "native"}]}
            """, token: student.access)
        let deadline = Timestamp.format(Date().addingTimeInterval(60 * 86_400))
        let fits = try await client.send(.post, "/scholarships", json: """
            {"title": "Bourse Master Data Science", "description": "Pour un master en machine learning au Sénégal", "provider": "Fondation Avenir",
             "amount": {"amount": "5000.00", "currency": "EUR"}, "deadline": "\(deadline)",
             "eligibility": {"educationLevels": ["master"], "countries": ["SN"], "fieldsOfStudy": ["Computer Science"]}}
            """, token: admin)
        #expect(fits.status == .created, "\(fits.text)")
        let phd = try await client.send(.post, "/scholarships", json: """
            {"title": "Bourse Doctorat Machine Learning", "description": "Doctorat en machine learning", "provider": "Institut",
             "deadline": "\(deadline)", "eligibility": {"educationLevels": ["phd"]}}
            """, token: admin)
        #expect(phd.status == .created, "\(phd.text)")
        return ((student.userID, student.access), other.access, admin, try #require(phd.logPosition))
    }

    @Test func scholarshipRecommendationsNeverBreakEligibilityAndCarryScoresAndReasons() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let setup = try await Self.setUp(fixture, client)
            let wait: HTTPFields = [minPosition: String(setup.position)]
            let response = try await client.send(.post, "/ai/recommendations/scholarships", json: #"{"limit": 5}"#, token: setup.student.access, headers: wait)
            #expect(response.status == .ok, "\(response.text)")
            let items = try #require(try response.jsonObject()["items"] as? [[String: Any]])
            #expect(items.map { $0["title"] as? String } == ["Bourse Master Data Science"])
            for item in items {
                let score = try #require(item["score"] as? Double)
                #expect((0...1).contains(score))
                #expect((item["reasons"] as? [String])?.isEmpty == false)
                #expect(item["kind"] as? String == "scholarship")
            }
            // Without a body the defaults apply; careers come with next steps.
            let careers = try await client.send(.post, "/ai/recommendations/career", token: setup.student.access, headers: wait)
            #expect(careers.status == .ok, "\(careers.text)")
            let paths = try #require(try careers.jsonObject()["items"] as? [[String: Any]])
            #expect(!paths.isEmpty)
            #expect(paths.allSatisfy { ($0["reasons"] as? [String])?.isEmpty == false })
            #expect(try await client.send(.post, "/ai/recommendations/mentors", json: "{}", token: setup.student.access, headers: wait).status == .ok)

            try await client.send(.post, "/ai/recommendations/scholarships", json: #"{"limit": 500}"#, token: setup.student.access)
                .expectProblem(.unprocessableContent)
            try await client.send(.post, "/ai/recommendations/scholarships", json: #"{"userId": "\#(setup.student.userID)"}"#, token: setup.other)
                .expectProblem(.forbidden)
            let forAdmin = try await client.send(.post, "/ai/recommendations/scholarships", json: #"{"userId": "\#(setup.student.userID)"}"#,
                                                 token: setup.admin, headers: wait)
            #expect(forAdmin.status == .ok)
            try await client.send(.post, "/ai/recommendations/scholarships", json: #"{"userId": "\#(UUID())"}"#, token: setup.admin)
                .expectProblem(.notFound)
        }
    }

    @Test func insightsAreForTheirOwnerAndChatCitesWhatItUsed() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let setup = try await Self.setUp(fixture, client)
            let wait: HTTPFields = [minPosition: String(setup.position)]
            let mine = try await client.send(.get, "/ai/insights/\(setup.student.userID)", token: setup.student.access, headers: wait)
            #expect(mine.status == .ok, "\(mine.text)")
            #expect((try mine.jsonObject()["completeness"] as? [String: Any])?["percent"] is Int)
            try await client.send(.get, "/ai/insights/\(setup.student.userID)", token: setup.other).expectProblem(.forbidden)
            #expect(try await client.send(.get, "/ai/insights/\(setup.student.userID)", token: setup.admin, headers: wait).status == .ok)

            let chat = try await client.send(.post, "/ai/chat", json: #"{"message": "Quelles bourses pour un master au Sénégal ?"}"#,
                                             token: setup.student.access, headers: wait)
            #expect(chat.status == .ok, "\(chat.text)")
            let answer = try chat.jsonObject()
            #expect((answer["reply"] as? String)?.isEmpty == false)
            let citations = try #require(answer["citations"] as? [[String: Any]])
            #expect(citations.contains { $0["title"] as? String == "Bourse Master Data Science" })
            try await client.send(.post, "/ai/chat", json: #"{"message": "   "}"#, token: setup.student.access).expectProblem(.unprocessableContent)
        }
    }

    @Test func peopleSearchIsAccentInsensitiveAndSurvivesHostileInput() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let setup = try await Self.setUp(fixture, client)
            let wait: HTTPFields = [minPosition: String(setup.position)]
            let found = try await client.send(.get, "/users/search?q=awa", token: setup.other, headers: wait)
            #expect(found.status == .ok, "\(found.text)")
            let items = try #require(try found.jsonObject()["items"] as? [[String: Any]])
            #expect(items.contains { $0["id"] as? String == setup.student.userID })
            for hostile in ["%22NEAR(a%20b)%22", "*", "-", "a:b", "((((", "%22", "awa%20OR%20", String(repeating: "x", count: 150)] {
                let response = try await client.send(.get, "/users/search?q=\(hostile)", token: setup.other)
                #expect(response.status == .ok, "q=\(hostile): \(response.text)")
            }
            try await client.send(.get, "/users/search?role=wizard", token: setup.other).expectProblem(.badRequest)
            try await client.send(.get, "/users/search?q=awa").expectProblem(.unauthorized)
        }
    }

    @Test func reasonsFollowThePreferredLanguageThenAcceptLanguageAndSearchCrossesLanguages() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let setup = try await Self.setUp(fixture, client)
            let wait: HTTPFields = [minPosition: String(setup.position)]
            func reasons(_ headers: HTTPFields) async throws -> [String] {
                let response = try await client.send(.post, "/ai/recommendations/scholarships", json: "{}", token: setup.student.access, headers: headers)
                #expect(response.status == .ok, "\(response.text)")
                let items = try #require(try response.jsonObject()["items"] as? [[String: Any]])
                return try #require(items.first?["reasons"] as? [String])
            }
            // No language in the profile: the request's, by weight; English when it names neither.
            var french = wait
            french[.acceptLanguage] = "de-CH, en;q=0.5, fr-FR;q=0.9"
            #expect(try await reasons(french).contains("Ouverte à votre niveau d'études (master)"))
            #expect(try await reasons(wait).contains("Open to your education level (master)"))
            var german = wait
            german[.acceptLanguage] = "de"
            #expect(try await reasons(german).contains("Open to your education level (master)"))
            // The profile's choice wins over the header.
            let chosen = try await client.send(.put, "/users/preferences", json: #"{"language": "en"}"#, token: setup.student.access)
            #expect(chosen.status == .noContent, "\(chosen.text)")
            var frenchAfterChoice: HTTPFields = [minPosition: String(try #require(chosen.logPosition))]
            frenchAfterChoice[.acceptLanguage] = "fr"
            #expect(try await reasons(frenchAfterChoice).contains("Open to your education level (master)"))
            let chat = try await client.send(.post, "/ai/chat", json: #"{"message": "Quelles bourses pour un master ?"}"#, token: setup.student.access,
                                             headers: frenchAfterChoice)
            #expect((try chat.jsonObject()["reply"] as? String)?.hasPrefix("Open scholarships for you") == true, "\(chat.text)")

            // A query in one language finds what was written in the other.
            let frenchQuery = try await client.send(.get, "/scholarships?q=apprentissage%20automatique", token: setup.other, headers: wait)
            #expect(frenchQuery.status == .ok, "\(frenchQuery.text)")
            let titles = try #require(try frenchQuery.jsonObject()["items"] as? [[String: Any]]).compactMap { $0["title"] as? String }
            #expect(Set(titles) == ["Bourse Master Data Science", "Bourse Doctorat Machine Learning"])
        }
    }
}
