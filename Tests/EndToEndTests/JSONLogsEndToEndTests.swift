import Foundation
import Testing
import TestSupport

/// `PROTALENT_LOG_FORMAT=json` at the most verbose level, through a whole journey: every line of the
/// log is one JSON object with its time, level, message and logger, requests carry their request id,
/// and no secret or personal value the journey sent or received appears anywhere in it.
@Suite(.serialized) struct JSONLogsEndToEndTests {
    @Test(.timeLimit(.minutes(5)))
    func aJourneyLogsOneJSONObjectPerLineAndNoSecretOrPersonalValue() async throws {
        let directory = try TemporaryDirectory("protalent-e2e-json-logs")
        defer { directory.remove() }
        let server = ServerProcess(
            dataDirectory: directory.path + "/data",
            environment: ["PROTALENT_LOG_FORMAT": "json", "PROTALENT_LOG_LEVEL": "trace"]
        )
        try await stopping([server]) {
            try await server.start()
            try await journey(server)
        }
    }

    /// The journey, then the log's checks (the server stopped first, so its log is complete).
    private func journey(_ server: ServerProcess) async throws {
        // Names no log would hold by chance, so a match is a leak.
        let email = uniqueEmail("leaky")
        let first = "Qwertzuiop", last = "Asdfghjklo", bio = "Mxyzptlk biography", city = "Zanzibarcity"
        let registered = try await server.register(email, firstName: first, lastName: last, city: city)
        try #require(registered.status == 201, "\(registered)")
        let id = try #require(registered.object["userId"] as? String)
        let verification = try #require(try server.mailedToken(to: email))
        #expect(try await server.client.send("GET", "/auth/verify-email?token=\(verification)").status == 200)
        var account = try await server.logIn(email, id: id)
        let put = try await server.client.send("PUT", "/users/profile", json: ["bio": bio, "headline": "Secret headline words"], token: account.accessToken)
        #expect(put.status == 204, "\(put)")
        let refreshed = try await server.client.send("POST", "/auth/refresh", json: ["refreshToken": account.refreshToken])
        #expect(refreshed.status == 200, "\(refreshed)")
        let newAccess = try #require(refreshed.object["accessToken"] as? String)
        let newRefresh = try #require(refreshed.object["refreshToken"] as? String)
        #expect(try await server.login(email, password: "a wrong password of some length").status == 401)
        #expect(try await server.client.send("POST", "/auth/forgot-password", json: ["email": email]).status == 202)
        let reset = try DirectoryWatch.wait(in: server.dataDirectory + "/mail/outbox") {
            try server.newestToken(to: email, link: "/reset-password?token=")
        }
        account.accessToken = newAccess
        #expect(try await server.client.send("GET", "/users/profile", token: newAccess).status == 200)
        #expect(try await server.client.send("GET", "/no/such/route?email=\(email)").status == 404)
        await server.stop()

        let log = server.lastStderr
        let lines = log.split(separator: "\n")
        try #require(lines.count > 10, "too few lines to judge: \(log)")
        var requestIDs: Set<String> = []
        for line in lines {
            let object = try #require(
                try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)"
            )
            for field in ["time", "level", "message", "logger"] {
                #expect(object[field] is String, "no \(field): \(line)")
            }
            #expect((object["time"] as? String).map { $0.hasSuffix("Z") && $0.contains("T") } == true, "\(line)")
            if object["message"] as? String == "request" {
                #expect(object["route"] != nil && object["status"] != nil, "\(line)")
                if let requestID = object["request_id"] as? String { requestIDs.insert(requestID) }
            }
        }
        // At least one line per request of the journey, each with its own id.
        #expect(requestIDs.count >= 9, "\(requestIDs)")
        for secret in [
            email, testPassword, "a wrong password of some length", account.refreshToken, newAccess, newRefresh, verification, reset,
            first, last, bio, city, "Secret headline words",
        ] {
            #expect(!log.contains(secret), "the log holds \(secret)")
        }
        #expect(!log.contains(String(account.accessToken.prefix(24))), "the log holds an access token")
    }

    @Test func anUnknownLogFormatIsRefusedNamingTheVariable() async throws {
        let directory = try TemporaryDirectory("protalent-e2e-log-format")
        defer { directory.remove() }
        let result = try await offPool {
            try ProtalentBinary.run(["serve", "--data-dir", directory.path + "/data", "--port", "0"], environment: ["PROTALENT_LOG_FORMAT": "xml"])
        }
        #expect(result.status == 1)
        #expect(result.stderr.contains("PROTALENT_LOG_FORMAT must be json or text, not 'xml'"), "\(result.stderr)")
    }
}
