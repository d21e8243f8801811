import Foundation
import Testing
import TestSupport

/// An admin publishes a scholarship; a student whose profile fits finds it in their
/// recommendations (with reasons) and in search; one they are not eligible for never shows; a
/// closed one cannot change; an erased student leaves the people search.
@Suite(.serialized) struct ScholarshipJourneyTests {
    @Test func aPublishedScholarshipReachesTheStudentItFitsAndNoOneElse() async throws {
        try await withServer { server in
            let admin = try await server.bootstrapAdmin()
            let student = try await server.signUp(uniqueEmail("khady"), firstName: "Khady", lastName: "Mbaye")
            let profile: [String: Any] = [
                "currentEducationLevel": "master", "fieldOfStudy": "Computer Science", "countryCode": "SN", "city": "Thiès",
                "interests": ["data science", "machine learning"], "careerGoals": ["data scientist"],
                "bio": "Étudiante en master d'informatique, passionnée de données",
            ]
            let filled = try await server.client.send("PUT", "/users/profile", json: profile, token: student.accessToken)
            #expect(filled.status == 204, "\(filled)")

            let deadline = iso8601(Date().addingTimeInterval(90 * 86_400))
            let fitting: [String: Any] = [
                "title": "Bourse Excellence Data Sénégal", "description": "Master en science des données, frais couverts",
                "provider": "Fondation Teranga", "amount": ["amount": "5000.00", "currency": "EUR"], "deadline": deadline,
                "applicationUrl": "https://example.org/apply",
                "eligibility": ["educationLevels": ["master"], "fieldsOfStudy": ["Computer Science"], "countries": ["SN"]],
            ]
            let refused = try await server.client.send("POST", "/scholarships", json: fitting, token: student.accessToken)
            #expect(refused.status == 403 && refused.isProblem, "a student publishing: \(refused)")
            let created = try await server.client.send("POST", "/scholarships", json: fitting, token: admin.accessToken)
            #expect(created.status == 201, "\(created)")
            let scholarship = try #require(created.object["scholarshipId"] as? String)
            var other = fitting
            other["title"] = "Doctorat en France"
            other["eligibility"] = ["educationLevels": ["phd"], "countries": ["FR"]]
            let ineligible = try await server.client.send("POST", "/scholarships", json: other, token: admin.accessToken)
            #expect(ineligible.status == 201, "\(ineligible)")
            let excluded = try #require(ineligible.object["scholarshipId"] as? String)
            let position = try #require(ineligible.logPosition)

            let recommended = try await server.client.send("POST", "/ai/recommendations/scholarships", json: ["limit": 20],
                                                           headers: ["X-Min-Position": String(position)], token: student.accessToken)
            #expect(recommended.status == 200, "\(recommended)")
            let items = recommended.object["items"] as? [[String: Any]] ?? []
            let match = items.first { $0["id"] as? String == scholarship }
            #expect(match != nil, "the fitting scholarship is recommended: \(recommended)")
            #expect((match?["reasons"] as? [String])?.isEmpty == false, "with reasons: \(String(describing: match))")
            #expect(!items.contains { $0["id"] as? String == excluded }, "an ineligible scholarship is never recommended: \(recommended)")

            let listed = try await server.read("/scholarships?q=Excellence", token: student.accessToken, after: position)
            #expect((listed.object["items"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == scholarship }, "\(listed)")
            let detail = try await server.read("/scholarships/\(scholarship)", token: student.accessToken, after: position)
            #expect(detail.status == 200 && detail.object["open"] as? Bool == true, "\(detail)")

            // Closed, it cannot change, and it leaves the recommendations.
            let closed = try await server.client.send("POST", "/scholarships/\(scholarship)/close", token: admin.accessToken)
            #expect(closed.status == 204, "\(closed)")
            let changed = try await server.client.send("PUT", "/scholarships/\(scholarship)", json: fitting, token: admin.accessToken)
            #expect(changed.status == 409 && changed.isProblem, "updating a closed scholarship: \(changed)")
            let closedAt = try #require(closed.logPosition)
            let after = try await server.client.send("POST", "/ai/recommendations/scholarships", json: [:] as [String: Any],
                                                     headers: ["X-Min-Position": String(closedAt)], token: student.accessToken)
            #expect(!(after.object["items"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == scholarship },
                    "a closed scholarship is still recommended: \(after)")

            // People search finds her, until she is erased.
            let found = try await server.read("/users/search?q=Khady", token: admin.accessToken, after: closedAt)
            #expect(found.text.contains(student.id), "\(found)")
            let erased = try await server.client.send("DELETE", "/users/me", json: ["password": student.password], token: student.accessToken)
            #expect(erased.status == 204, "\(erased)")
            let gone = try await server.read("/users/search?q=Khady", token: admin.accessToken, after: erased.logPosition)
            #expect(gone.status == 200 && !gone.text.contains(student.id), "an erased person is still found: \(gone)")
            let insights = try await server.read("/ai/insights/\(student.id)", token: admin.accessToken, after: erased.logPosition)
            #expect(insights.status < 500 && !insights.text.contains("Thiès"), "insights of an erased person: \(insights)")
        }
    }
}
