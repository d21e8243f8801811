import Foundation
import Testing
import TestSupport

/// The mails a person receives and the pages their links open, through the real binary: links
/// under PROTALENT_PUBLIC_URL, multipart text and HTML in the person's language, the reset form
/// and the verification page under a CSP without `unsafe-inline`; and the headers of every answer.
@Suite(.serialized)
struct AccountMailEndToEndTests {
    func withPublicServer(_ body: (ServerProcess, String) async throws -> Void) async throws {
        let directory = try TemporaryDirectory("protalent-mail")
        defer { directory.remove() }
        let port = try ServerProcess.freePort()
        let publicURL = "http://127.0.0.1:\(port)"
        let server = ServerProcess(dataDirectory: directory.path + "/data", environment: [
            "PROTALENT_PUBLIC_URL": publicURL + "/", "PROTALENT_CORS_ORIGINS": "https://app.example.org",
        ])
        server.fixedPort = port
        defer { server.removeFiles() }
        do {
            try await server.start()
            try await body(server, publicURL)
            await server.stop()
        } catch {
            await server.kill()
            throw error
        }
    }

    /// The newest `.eml` to `email` (waiting for its delivery).
    func newestMail(_ server: ServerProcess, to email: String, containing marker: String) throws -> String {
        try DirectoryWatch.wait(in: server.dataDirectory + "/mail/outbox") { () -> String? in
            let outbox = server.dataDirectory + "/mail/outbox"
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
            for name in names.reversed() {
                let text = try String(contentsOfFile: outbox + "/" + name, encoding: .utf8)
                if text.contains("\r\nTo: \(email)\r\n"), text.contains(marker) { return text }
            }
            return nil
        }
    }

    func expectPageHeaders(_ page: HTTPResponse) {
        #expect(page.headers["content-type"]?.hasPrefix("text/html") == true)
        let policy = page.headers["content-security-policy"] ?? ""
        #expect(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"), "\(policy)")
        #expect(page.headers["x-content-type-options"] == "nosniff")
        #expect(page.headers["referrer-policy"] == "no-referrer")
    }

    @Test(.timeLimit(.minutes(5)))
    func mailedLinksOpenPagesAPersonCanUse() async throws {
        try await withPublicServer { server, publicURL in
            let email = uniqueEmail("mail")
            let registered = try await server.client.send("POST", "/auth/register", json: [
                "email": email, "password": testPassword, "firstName": "Ada <b>", "lastName": "Lovelace", "role": "student",
            ], headers: ["Accept-Language": "en-GB,en;q=0.9"])
            try #require(registered.status == 201, "\(registered)")

            // Verification: English (the sign-up's Accept-Language), multipart, a link under the public URL.
            let verification = try newestMail(server, to: email, containing: "/auth/verify-email?token=")
            #expect(verification.contains("Subject: Confirm your email address"))
            #expect(verification.contains("Content-Type: multipart/alternative; boundary="))
            #expect(verification.contains("Content-Type: text/plain; charset=utf-8") && verification.contains("Content-Type: text/html; charset=utf-8"))
            #expect(verification.contains("Ada &lt;b&gt;"), "the name is escaped in the HTML part")
            let link = try #require(verification.components(separatedBy: "\r\n").first { $0.hasPrefix(publicURL + "/auth/verify-email?token=") })
            #expect(verification.contains("href=\"\(link)\""))
            let target = String(link.dropFirst(publicURL.count))

            // A browser gets a page; the link is spent, and a JSON client then gets the problem.
            let page = try await server.client.send("GET", target, headers: ["Accept": "text/html,application/xhtml+xml,*/*;q=0.8", "Accept-Language": "en"])
            #expect(page.status == 200, "\(page)")
            #expect(page.text.contains("Address confirmed"))
            expectPageHeaders(page)
            let again = try await server.client.send("GET", target, headers: ["Accept": "application/json"])
            #expect(again.status == 422 && again.isProblem, "\(again)")

            // Reset: French (no language chosen yet: the platform's default), the form, a refusal, then success.
            #expect(try await server.client.send("POST", "/auth/forgot-password", json: ["email": email]).status == 202)
            let reset = try newestMail(server, to: email, containing: "/reset-password?token=")
            #expect(reset.contains("Choisir un nouveau mot de passe"))
            let resetLink = try #require(reset.components(separatedBy: "\r\n").first { $0.hasPrefix(publicURL + "/reset-password?token=") })
            let token = try #require(resetLink.components(separatedBy: "token=").last)
            let form = try await server.client.send("GET", String(resetLink.dropFirst(publicURL.count)), headers: ["Accept": "text/html"])
            #expect(form.status == 200 && form.text.contains("<form method=\"post\" action=\"/reset-password\">"), "\(form)")
            #expect(form.text.contains("name=\"newPassword\"") && form.text.contains("value=\"\(token)\""))
            expectPageHeaders(form)
            let style = try await server.client.send("GET", "/pages/style.css")
            #expect(style.status == 200 && style.headers["content-type"]?.hasPrefix("text/css") == true)

            func submit(_ password: String) async throws -> HTTPResponse {
                let body = "token=\(token)&language=fr&newPassword=\(password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
                return try await server.client.send(
                    "POST", "/reset-password", body: Data(body.utf8),
                    headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html,*/*;q=0.8"]
                )
            }
            let weak = try await submit("short")
            #expect(weak.status == 422 && weak.text.contains("<form"), "\(weak)")
            expectPageHeaders(weak)
            let done = try await submit("a brand new passphrase")
            #expect(done.status == 200 && done.text.contains("Mot de passe changé"), "\(done)")
            #expect(try await server.login(email, password: "a brand new passphrase").status == 200)
            #expect(try await server.login(email).status == 401)
            // The link works once.
            #expect(try await submit("another new passphrase").status == 422)
            // A client that does not ask for HTML gets refusals as problem+json.
            let json = try await server.client.send("POST", "/reset-password", body: Data("token=x&newPassword=y".utf8),
                                                    headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(json.status == 422 && json.isProblem, "\(json)")
        }
    }

    @Test(.timeLimit(.minutes(5)))
    func everyAnswerCarriesTheSecurityHeadersAndCORSOnlyForListedOrigins() async throws {
        try await withPublicServer { server, _ in
            let health = try await server.client.send("GET", "/health")
            #expect(health.headers["x-content-type-options"] == "nosniff")
            #expect(health.headers["referrer-policy"] == "no-referrer")
            #expect(health.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'")
            #expect(health.headers["access-control-allow-origin"] == nil)
            let problem = try await server.client.send("GET", "/no/such/path")
            #expect(problem.headers["x-content-type-options"] == "nosniff" && problem.headers["referrer-policy"] == "no-referrer")

            let preflight = try await server.client.send("OPTIONS", "/auth/login", headers: [
                "Origin": "https://app.example.org", "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            ])
            #expect(preflight.status == 204, "\(preflight)")
            #expect(preflight.headers["access-control-allow-origin"] == "https://app.example.org")
            #expect(preflight.headers["access-control-allow-methods"]?.contains("POST") == true)
            let allowed = try await server.client.send("GET", "/health", headers: ["Origin": "https://app.example.org"])
            #expect(allowed.headers["access-control-allow-origin"] == "https://app.example.org")
            #expect(allowed.headers["vary"]?.contains("Origin") == true)
            let other = try await server.client.send("GET", "/health", headers: ["Origin": "https://evil.example"])
            #expect(other.headers["access-control-allow-origin"] == nil)
            let otherPreflight = try await server.client.send("OPTIONS", "/auth/login", headers: [
                "Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
            ])
            #expect(otherPreflight.headers["access-control-allow-origin"] == nil && otherPreflight.status != 204, "\(otherPreflight)")
        }
    }
}
