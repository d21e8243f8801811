import API
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct ScholarshipRouteTests {
    static let now = Timestamp.parse("2026-12-01T08:00:00Z")!

    static func scholarship(
        _ title: String, deadline: String = "2027-03-31T23:59:59Z", levels: [String] = [], fields: [String] = [], countries: [String] = [],
        fee: Bool = false
    ) -> String {
        func list(_ values: [String]) -> String { "[" + values.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        return """
            {"title": "\(title)", "description": "Bourse complète pour étudiants africains", "provider": "Fondation Mastercard",
             "amount": {"amount": "15000", "currency": "EUR"}, "deadline": "\(deadline)", "applicationUrl": "https://example.org/apply",
             \(fee ? #""applicationFee": {"amount": "25.5", "currency": "XOF"},"# : "")
             "eligibility": {"educationLevels": \(list(levels)), "fieldsOfStudy": \(list(fields)), "countries": \(list(countries)),
                             "requirements": ["Moyenne ≥ 14/20"], "preferences": ["Engagement associatif"]}}
            """
    }

    @Test func adminsPublishUpdateAndCloseAndEveryoneFiltersTheList() async throws {
        let clock = ManualClock(Self.now)
        let fixture = try APIFixture(clock: clock.clock)
        try await fixture.test { client in
            let admin = try await client.signUpAdmin(fixture, email: "admin@protalent.sn")
            let student = try await client.signUp(fixture, email: "awa@example.sn")

            func create(_ json: String) async throws -> (id: String, position: Int64?) {
                let created = try await client.send(.post, "/scholarships", json: json, token: admin.access)
                #expect(created.status == .created, "\(created.text)")
                return (try #require(try created.jsonObject()["scholarshipId"] as? String), created.logPosition)
            }
            let open = try await create(Self.scholarship("Mastercard Foundation Scholars", fee: true))
            let senegal = try await create(Self.scholarship("Bourse d'excellence du Sénégal", deadline: "2027-02-28T23:59:59Z", levels: ["master", "phd"], fields: ["Computer Science"], countries: ["SN"]))
            let soon = try await create(Self.scholarship("Erasmus Mundus", deadline: "2026-12-01T12:00:00Z", levels: ["bachelor"], countries: ["CI", "ML"]))
            let closing = try await create(Self.scholarship("Chevening", deadline: "2027-01-15T12:00:00Z", fields: ["Law"]))

            // Refusals: role, validation naming fields.
            try await client.send(.post, "/scholarships", json: Self.scholarship("Nope"), token: student.access).expectProblem(.forbidden)
            for (json, field) in [
                (Self.scholarship("Past", deadline: "2026-11-01T00:00:00Z"), "deadline"),
                (Self.scholarship("Level", levels: ["kindergarten"]), "eligibility.educationLevels[0]"),
                (Self.scholarship("Country", countries: ["Senegal"]), "eligibility.countries[0]"),
                (Self.scholarship("").replacingOccurrences(of: #""title": "","#, with: #""title": "   ","#), "title"),
                (Self.scholarship("Money").replacingOccurrences(of: "\"EUR\"", with: "\"euro\""), "amount.currency"),
                (Self.scholarship("Url").replacingOccurrences(of: "https://example.org/apply", with: "javascript:alert(1)"), "applicationUrl"),
                (#"{"title": "t", "description": "d", "provider": "p"}"#, "deadline"),
            ] {
                let problem = try await client.send(.post, "/scholarships", json: json, token: admin.access).expectProblem(.unprocessableContent)
                let fields = (problem["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
                #expect(fields == [field], "\(problem)")
            }

            // The detail: money canonical, eligibility with requirements and preferences.
            let detail = try await client.get("/scholarships/\(open.id)", token: student.access, after: closing.position)
            #expect(detail.status == .ok, "\(detail.text)")
            let body = try detail.jsonObject()
            #expect((body["amount"] as? [String: String]) == ["amount": "15000.00", "currency": "EUR"])
            #expect((body["applicationFee"] as? [String: String]) == ["amount": "25.50", "currency": "XOF"])
            #expect(body["deadline"] as? String == "2027-03-31T23:59:59Z" && body["open"] as? Bool == true && body["closed"] as? Bool == false)
            let eligibility = try #require(body["eligibility"] as? [String: [String]])
            #expect(eligibility["requirements"] == ["Moyenne ≥ 14/20"] && eligibility["preferences"] == ["Engagement associatif"])
            try await client.send(.get, "/scholarships/\(UUID())", token: student.access).expectProblem(.notFound)
            try await client.send(.get, "/scholarships/nope", token: student.access).expectProblem(.notFound)

            // Update, close, and no update after closing.
            try await client.send(.put, "/scholarships/\(closing.id)", json: Self.scholarship("Chevening"), token: student.access).expectProblem(.forbidden)
            try await client.send(.put, "/scholarships/\(UUID())", json: Self.scholarship("Ghost"), token: admin.access).expectProblem(.notFound)
            let updated = try await client.send(.put, "/scholarships/\(closing.id)", json: Self.scholarship("Chevening UK", deadline: "2027-01-15T12:00:00Z", fields: ["Law"]), token: admin.access)
            #expect(updated.status == .noContent && updated.logPosition != nil, "\(updated.text)")
            try await client.send(.post, "/scholarships/\(closing.id)/close", token: student.access).expectProblem(.forbidden)
            try await client.send(.post, "/scholarships/\(UUID())/close", token: admin.access).expectProblem(.notFound)
            let closed = try await client.send(.post, "/scholarships/\(closing.id)/close", token: admin.access)
            #expect(closed.status == .noContent && closed.logPosition != nil)
            let closedTwice = try await client.send(.post, "/scholarships/\(closing.id)/close", token: admin.access)
            #expect(closedTwice.status == .noContent)
            let refused = try await client.send(.put, "/scholarships/\(closing.id)", json: Self.scholarship("Chevening 2"), token: admin.access)
                .expectProblem(.conflict)
            #expect((refused["detail"] as? String)?.contains("closed") == true)

            // Filters. Noon passes: the Erasmus deadline is behind us.
            clock.advance(5 * 3_600)
            let token = try await client.logIn("awa@example.sn")
            func titles(_ query: String) async throws -> [String] {
                let page = try await client.get("/scholarships\(query)", token: token, after: closed.logPosition)
                #expect(page.status == .ok, "\(query): \(page.text)")
                return (try page.jsonObject()["items"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
            }
            #expect(try await titles("") == ["Erasmus Mundus", "Chevening UK", "Bourse d'excellence du Sénégal", "Mastercard Foundation Scholars"])
            #expect(try await titles("?open=true") == ["Bourse d'excellence du Sénégal", "Mastercard Foundation Scholars"])
            #expect(try await titles("?country=sn") == ["Chevening UK", "Bourse d'excellence du Sénégal", "Mastercard Foundation Scholars"])
            #expect(try await titles("?country=CI") == ["Erasmus Mundus", "Chevening UK", "Mastercard Foundation Scholars"])
            #expect(try await titles("?level=phd&open=true") == ["Bourse d'excellence du Sénégal", "Mastercard Foundation Scholars"])
            #expect(try await titles("?field=computer%20science&level=bachelor") == ["Erasmus Mundus", "Mastercard Foundation Scholars"])
            #expect(try await titles("?q=chevening") == ["Chevening UK"])
            #expect(try await titles("?q=100%25") == [])
            let erasmus = try await client.get("/scholarships/\(soon.id)", token: token, after: nil)
            #expect(try erasmus.jsonObject()["open"] as? Bool == false)
            let chevening = try await client.get("/scholarships/\(closing.id)", token: token, after: nil)
            #expect(try chevening.jsonObject()["closed"] as? Bool == true && (try chevening.jsonObject()["closedAt"] as? String) != nil)
            _ = senegal

            // Keyset pages: every item once, in order.
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.get("/scholarships?limit=1" + (cursor.map { "&cursor=\($0)" } ?? ""), token: token, after: nil)
                let object = try page.jsonObject()
                seen += (object["items"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
                cursor = object["nextCursor"] as? String
            } while cursor != nil
            #expect(seen == ["Erasmus Mundus", "Chevening UK", "Bourse d'excellence du Sénégal", "Mastercard Foundation Scholars"])

            for query in ["?level=kindergarten", "?open=maybe", "?country=Senegal", "?limit=0", "?cursor=!!"] {
                try await client.send(.get, "/scholarships\(query)", token: token).expectProblem(.badRequest)
            }
        }
    }
}
