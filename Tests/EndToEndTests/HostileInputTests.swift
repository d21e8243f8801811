import Foundation
import Testing
import TestSupport

/// A corpus of bad input against every route the OpenAPI document lists: never a 5xx, and every
/// refusal is `application/problem+json`.
@Suite(.serialized) struct HostileInputTests {
    /// Path parameter values: traversal, SQL and FTS syntax, encodings, sizes.
    static let hostileIds = [
        "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "..", "%00", "%27%20OR%201%3D1%20--", "%22%2A%20NEAR%28a%20b%29",
        "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "-1", "99999999999999999999999",
        String(repeating: "a", count: 4_000), "%F0%9F%98%80", "%C3%28", "null", "%E2%80%AE",
    ]

    /// Bodies that are not what any route reads.
    static let hostileBodies: [(String, Data)] = {
        var bodies: [(String, Data)] = [
            ("empty", Data()), ("truncated", Data("{\"email\": ".utf8)), ("array", Data("[]".utf8)), ("string", Data("\"x\"".utf8)),
            ("null", Data("null".utf8)), ("number", Data("1e309".utf8)), ("trailing garbage", Data("{} {}".utf8)),
            ("invalid UTF-8", Data([0x7B, 0x22, 0x62, 0x69, 0x6F, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0xC3, 0x28, 0x22, 0x7D])),
            ("lone surrogate", Data("{\"bio\": \"\\ud800\", \"firstName\": \"\\udfff\"}".utf8)),
            ("NUL", Data("{\"bio\": \"a\\u0000b\", \"title\": \"\\u0000\"}".utf8)),
            ("deep arrays", Data((String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)).utf8)),
            ("deep objects", Data((String(repeating: "{\"a\":", count: 5_000) + "1" + String(repeating: "}", count: 5_000)).utf8)),
            ("duplicate keys", Data("{\"role\": \"student\", \"role\": \"admin\"}".utf8)),
            ("oversized", Data("{\"bio\": \"".utf8) + Data(repeating: 0x61, count: 3 << 20) + Data("\"}".utf8)),
        ]
        // Every field name any route reads, with each wrong type and extreme value.
        let fields = ["email", "password", "firstName", "lastName", "role", "countryCode", "city", "bio", "currentEducationLevel",
                      "fieldOfStudy", "careerGoals", "interests", "languages", "skills", "experience", "language", "profileVisibility",
                      "notifications", "refreshToken", "token", "newPassword", "code", "totpCode", "title", "description", "name",
                      "category", "isPrivate", "body", "eventType", "startDate", "endDate", "isOnline", "maxParticipants", "mentorId",
                      "scheduledAt", "durationMinutes", "rating", "comment", "expertiseAreas", "experienceYears", "hourlyRate",
                      "languages", "timeZone", "availability", "provider", "amount", "deadline", "eligibility", "limit", "userId", "message"]
        let values: [(String, Any)] = [
            ("number", 1), ("huge integer", Decimal(string: "123456789012345678901234567890")!), ("negative", -2_147_483_649),
            ("float", 1.5e300), ("bool", true), ("null", NSNull()), ("array", [1, "a", NSNull()]), ("object", ["$gt": ""]),
            ("SQL", "'; DROP TABLE users; --"), ("FTS", "\"* NEAR(a b) OR title:x^ AND -"), ("long", String(repeating: "é", count: 5_000)),
            ("control", "\u{1}\u{7}\u{1B}[31m"), ("traversal", "../../../../etc/passwd"), ("bidi", "\u{202E}gnp.exe"),
            ("date", "2026-13-45T25:61:61Z"), ("money", ["amount": "-1e99", "currency": "XXXX"]),
        ]
        for (label, value) in values {
            var object: [String: Any] = [:]
            for field in fields { object[field] = value }
            if let data = try? JSONSerialization.data(withJSONObject: object, options: [.fragmentsAllowed]) {
                bodies.append(("every field \(label)", data))
            }
        }
        return bodies
    }()

    /// Query values for every documented query parameter.
    static let hostileQueryValues = [
        "%27%20OR%201%3D1%20--", "%22%2A%20NEAR%28a%20b%29%20OR", "-1", "0", "1e9", "99999999999999999999999", "%FF%FE", "%00",
        "..%2F..%2F", String(repeating: "x", count: 4_000), "%2A", "a%20AND%20b%20OR%20NOT%20c", "true%27",
    ]

    @Test func aKnownPathWithAnotherMethodIs405WithAllow() async throws {
        // Found by schemathesis: every wrong method answered 404, as if the path did not exist.
        try await withServer { server in
            let student = try await server.signUp(uniqueEmail("methods"))
            let document = try await server.client.send("GET", "/openapi.json").object
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            for (path, operations) in paths.sorted(by: { $0.key < $1.key }) {
                let target = path.replacingOccurrences(of: #"\{[^}]+\}"#, with: UUID().uuidString.lowercased(), options: .regularExpression)
                let documented = operations.keys.map { $0.uppercased() }.sorted()
                for method in ["GET", "POST", "PUT", "DELETE", "PATCH", "TRACE"] where !documented.contains(method) {
                    let response = try await server.client.send(method, target, token: student.accessToken)
                    #expect(response.status == 405 && response.isProblem, "\(method) \(path): \(response)")
                    let allowed = response.headers["allow"]?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.sorted()
                    #expect(allowed == documented, "\(method) \(path): Allow \(response.headers["allow"] ?? "absent")")
                }
            }
            let unknown = try await server.client.send("PATCH", "/no/such/path", token: student.accessToken)
            #expect(unknown.status == 404 && unknown.isProblem, "\(unknown)")
        }
    }

    @Test(.timeLimit(.minutes(10))) func theCorpusNeverGetsA5xxAndEveryRefusalIsAProblem() async throws {
        try await withServer { server in
            let student = try await server.signUp(uniqueEmail("hostile"))
            let document = try await server.client.send("GET", "/openapi.json").object
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var failures: [String] = []
            var requests = 0
            func check(_ label: String, _ response: HTTPResponse) {
                requests += 1
                if response.status >= 500 {
                    failures.append("\(label) → \(response)")
                } else if response.status >= 400 && !response.isProblem {
                    failures.append("\(label) → \(response.status) not problem+json: \(response.headers["content-type"] ?? "-") \(response.text.prefix(200))")
                }
            }
            for path in paths.keys.sorted() {
                for method in paths[path]!.keys.sorted() {
                    let verb = method.uppercased()
                    let operation = paths[path]![method] as? [String: Any] ?? [:]
                    // A live feed the caller may read streams until the token expires: only its
                    // refusals are a complete answer, so the signed-in caller does not open it.
                    let streams = verb == "GET" && path.hasSuffix("/live") && !path.contains("{")
                    let targets = path.contains("{")
                        ? Self.hostileIds.map { id in path.replacingOccurrences(of: #"\{[^}]+\}"#, with: id, options: .regularExpression) }
                        : [path]
                    for target in targets {
                        for token in streams ? [nil] : [student.accessToken, nil] {
                            let response = try await server.client.send(verb, target, body: verb == "GET" ? nil : Data("{}".utf8), token: token)
                            check("\(verb) \(target.prefix(80)) token:\(token != nil)", response)
                        }
                    }
                    // Bodies, on the route as documented (first target with a hostile id, when it has parameters).
                    if verb != "GET" {
                        let target = targets[0]
                        for (label, body) in Self.hostileBodies {
                            let response = try await server.client.send(verb, target, body: body, token: student.accessToken)
                            check("\(verb) \(path) body \(label)", response)
                        }
                        let wrongType = try await server.client.send(verb, target, body: Data("<a/>".utf8), headers: ["Content-Type": "application/xml"], token: student.accessToken)
                        check("\(verb) \(path) XML", wrongType)
                    }
                    // Query parameters the document names, and the list ones every list takes.
                    let parameters = (operation["parameters"] as? [[String: Any]] ?? []).filter { $0["in"] as? String == "query" }.compactMap { $0["name"] as? String }
                    for name in Set(parameters + (verb == "GET" ? ["limit", "cursor"] : [])).sorted() where !path.contains("{") && !streams {
                        for value in Self.hostileQueryValues {
                            let response = try await server.client.send(verb, "\(path)?\(name)=\(value)", token: student.accessToken)
                            check("\(verb) \(path)?\(name)=\(value.prefix(40))", response)
                        }
                    }
                }
            }
            // Headers every route reads.
            for value in ["-1", "abc", "99999999999999999999", "1e3", " 1", String(repeating: "9", count: 5_000)] {
                check("X-Min-Position \(value.prefix(20))", try await server.client.send("GET", "/users/profile", headers: ["X-Min-Position": value], token: student.accessToken))
            }
            let forged = ["Bearer", "Bearer ", "Bearer a.b.c", "Basic YTpi", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0.",
                          "Bearer " + String(repeating: "A", count: 8_000)]
            for value in forged {
                let response = try await server.client.send("GET", "/users/profile", headers: ["Authorization": value])
                check("Authorization \(value.prefix(30))", response)
                #expect(response.status == 401, "a forged token must be refused: \(value.prefix(30)) → \(response)")
            }
            let operations = paths.values.reduce(0) { $0 + $1.count }
            #expect(requests > operations * 10, "the corpus hardly ran: \(requests) requests for \(operations) operations")
            print("hostile input: \(requests) requests over \(operations) operations, \(failures.count) failures")
            #expect(failures.isEmpty, "\(failures.count) of \(requests) hostile requests:\n\(failures.prefix(40).joined(separator: "\n"))")
            // The server is still healthy and the log intact.
            #expect(try await server.client.send("GET", "/health").status == 200)
            #expect(try await server.verify().status == 0)
        }
    }
}
