import API
import EventLog
import EventSourcing
import HTTPTypes
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct OpenAPITests {
    @Test func theDocumentDescribesExactlyTheRoutesTheRouterServes() async throws {
        let fixture = try APIFixture()
        let routes = try buildRouter(platform: fixture.platform).routes.entries
        try await fixture.test { client in
            let response = try await client.send(.get, "/openapi.json")
            #expect(response.status == .ok)
            let document = try response.jsonObject()
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var documented: Set<String> = []
            for (path, operations) in paths {
                for (method, operation) in operations {
                    documented.insert("\(method.uppercased()) \(path)")
                    let operation = try #require(operation as? [String: Any])
                    #expect(operation["responses"] is [String: Any])
                    #expect((operation["summary"] as? String)?.isEmpty == false)
                }
            }
            #expect(documented == Set(routes.map { "\($0.method) \($0.path)" }))

            // Every schema reference resolves.
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            let text = response.text
            var search = text[...]
            while let range = search.range(of: "#/components/schemas/") {
                let name = search[range.upperBound...].prefix { $0 != "\"" }
                #expect(schemas[String(name)] != nil, "unresolved schema \(name)")
                search = search[range.upperBound...]
            }

            // And every documented route is served: no route-level 404 ("no such endpoint").
            for route in routes {
                let path = route.path.replacingOccurrences(of: "{id}", with: UUID().uuidString)
                    .replacingOccurrences(of: "{name}", with: "audit").replacingOccurrences(of: "{hash}", with: "00")
                let answer = try await client.send(HTTPRequest.Method(route.method)!, path, json: route.method == "GET" ? nil : "{}")
                #expect(!answer.text.contains("no such endpoint"), "\(route.method) \(route.path) is documented but not routed")
            }
        }
    }

    /// Security review, finding 16: `/metrics` (per-route counts, failed logins) is for the scraper's
    /// token and admins, not for anyone.
    @Test func metricsAreExposedInPrometheusTextToTheScraperAndAdminsOnly() async throws {
        let fixture = try APIFixture(environment: ["PROTALENT_METRICS_TOKEN": "scrape-secret-0123456789"])
        try await fixture.test { client in
            _ = try await client.send(.get, "/health")
            let student = try await client.signUp(fixture, email: "metrics@example.org")
            let admin = try await client.signUpAdmin(fixture, email: "metrics.admin@example.org")
            try await client.send(.get, "/metrics").expectProblem(.unauthorized)
            try await client.send(.get, "/metrics", token: "not-the-scrape-token").expectProblem(.unauthorized)
            try await client.send(.get, "/metrics", token: student.access).expectProblem(.forbidden)
            #expect(try await client.send(.get, "/metrics", token: admin.access).status == .ok)
            let metrics = try await client.send(.get, "/metrics", token: "scrape-secret-0123456789")
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains("hb_requests"))
            #expect(metrics.text.contains("protalent_log_head_position"))
            // What this process's open cut as a torn tail: nothing here, and said so.
            #expect(metrics.text.contains("protalent_log_torn_tail_cut_bytes 0"))
            #expect(metrics.text.contains("protalent_log_torn_tail_cut_events 0"))
            #expect(metrics.text.contains("http_server_request_duration"))
            #expect(metrics.text.contains("protalent_events_appended_total"))
            #expect(metrics.text.contains("protalent_command_append_duration"))
            #expect(metrics.text.contains("protalent_projection_lag_events"))
        }
    }
}
