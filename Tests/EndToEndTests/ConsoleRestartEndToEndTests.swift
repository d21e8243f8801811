import Foundation
import Testing

/// A console session outlives the server that opened it (its state is sealed into the cookie), and
/// its sign-out outlives a restart too (the end of its login is in the log).
@Suite(.timeLimit(.minutes(5))) struct ConsoleRestartEndToEndTests {
    @Test func aConsoleSessionSurvivesARestartAndItsSignOutDoesToo() async throws {
        try await withServer { server in
            let admin = try await server.bootstrapAdmin()
            let signInPage = try await server.client.send("GET", "/console")
            let signInCookie = try #require(Self.cookie("protalent_console_signin", in: signInPage), "\(signInPage.headers)")
            let signedIn = try await Self.post(server, "/console/login", [
                ("email", admin.email), ("password", admin.password), ("csrf", try #require(Self.csrf(in: signInPage))),
            ], cookie: "protalent_console_signin=\(signInCookie)")
            #expect(signedIn.status == 303, "\(signedIn)")
            let session = try #require(Self.cookie("protalent_console", in: signedIn), "\(signedIn.headers)")

            await server.stop()
            try await server.start()
            let audit = try await server.client.send("GET", "/console/audit", headers: ["Cookie": "protalent_console=\(session)"])
            #expect(audit.status == 200, "after a restart: \(audit.status) \(audit.headers)")
            #expect(audit.text.contains("id=\"audit\""), "the audit trail page")

            let signedOut = try await Self.post(server, "/console/logout", [("csrf", try #require(Self.csrf(in: audit)))],
                                                cookie: "protalent_console=\(session)")
            #expect(signedOut.status == 303, "\(signedOut)")
            await server.stop()
            try await server.start()
            let replayed = try await server.client.send("GET", "/console/audit", headers: ["Cookie": "protalent_console=\(session)"])
            #expect(replayed.status == 303 && replayed.headers["location"] == "/console", "a signed-out session came back: \(replayed.status)")
            let forged = try await server.client.send("GET", "/console/audit", headers: ["Cookie": "protalent_console=\(session.dropLast(4))AAAA"])
            #expect(forged.status == 303, "an altered cookie opened a session: \(forged.status)")
        }
    }

    /// The value `response` sets for cookie `name` (the client joins several `Set-Cookie` with ", ").
    static func cookie(_ name: String, in response: HTTPResponse) -> String? {
        guard let header = response.headers["set-cookie"], let range = header.range(of: name + "=") else { return nil }
        let value = header[range.upperBound...].prefix { $0 != ";" && $0 != "," }
        return value.isEmpty ? nil : String(value)
    }

    /// The CSRF token of the page's forms.
    static func csrf(in response: HTTPResponse) -> String? {
        guard let range = response.text.range(of: #"name="csrf" value=""#) else { return nil }
        return String(response.text[range.upperBound...].prefix { $0 != "\"" })
    }

    /// POSTs a form with a cookie.
    static func post(_ server: ServerProcess, _ path: String, _ fields: [(String, String)], cookie: String) async throws -> HTTPResponse {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        return try await server.client.send("POST", path, body: Data(body.utf8), headers: [
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
        ])
    }
}
