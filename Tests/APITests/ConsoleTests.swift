import API
import Cryptography
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Projections
import Testing

/// The operator console through the real router: sessions and their cookie, CSRF, roles, security
/// headers, idle expiry, and escaping of everything people write. (Not over a live socket: the
/// live test client gives up after 20 s, which the whole suite's busiest first minutes on two cores
/// exceeded; the console over real HTTP is `ConsoleBrowserEndToEndTests` and
/// `ConsoleRestartEndToEndTests`, on the real binary.)
@Suite(.timeLimit(.minutes(5))) struct ConsoleTests {
    static let pages = ["/console/", "/console/audit", "/console/projections", "/console/analytics", "/console/people",
                        "/console/moderation", "/console/scholarships", "/console/scholarships/new"]

    @Test func anAdminSignsInIntoAnHttpOnlyStrictSessionAndEveryPageCarriesStrictHeaders() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            _ = try await client.signUpAdmin(fixture, email: "admin@example.sn")
            let browser = ConsoleBrowser(client)
            let signedIn = try await browser.signIn("admin@example.sn")
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers[.location] == "/console/")
            let session = try #require(ConsoleBrowser.setCookies(signedIn).first { $0.hasPrefix("protalent_console=") })
            for attribute in ["HttpOnly", "SameSite=Strict", "Path=/console"] { #expect(session.contains(attribute), "\(session)") }
            #expect(!session.contains("Secure"), "plain HTTP: a Secure cookie would never come back")
            for page in Self.pages {
                let response = try await browser.get(page)
                #expect(response.status == .ok, "\(page): \(response.status) \(response.text.prefix(300))")
                #expect(response.headers[.contentType] == "text/html; charset=utf-8", "\(page)")
                let policy = try #require(response.headers[.contentSecurityPolicy], "\(page)")
                #expect(policy.contains("default-src 'self'") && policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"))
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                #expect(!response.text.contains("<script>") && !response.text.contains(" style=") && !response.text.contains(" onclick"),
                        "\(page) has inline code the policy would block")
            }
            // English one click away, and it sticks to the session.
            #expect(try await browser.get("/console/audit?lang=en").text.contains("Audit trail"))
            #expect(try await browser.get("/console/projections").text.contains("<html lang=\"en\">"))
        }
    }

    @Test func behindTLSTheSessionCookieIsSecure() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            _ = try await client.signUpAdmin(fixture, email: "admin@example.sn")
            let browser = ConsoleBrowser(client)
            browser.extraHeaders[HTTPField.Name("X-Forwarded-Proto")!] = "https"
            let signedIn = try await browser.signIn("admin@example.sn")
            let session = try #require(ConsoleBrowser.setCookies(signedIn).first { $0.hasPrefix("protalent_console=") })
            #expect(session.contains("; Secure"), "\(session)")
        }
    }

    @Test func aWrongPasswordIsRefusedAndTwoFactorNeedsItsCode() async throws {
        let (fixture, clock) = try APIFixture.onManualClock()
        try await fixture.test { client in
            let admin = try await client.signUpAdmin(fixture, email: "admin@example.sn")
            let browser = ConsoleBrowser(client)
            let wrong = try await browser.signIn("admin@example.sn", password: "not the password")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("incorrect") && browser.cookies["protalent_console"] == nil)
            let device = try await client.turnOnTwoFactor(access: admin.access, clock: clock)
            let withoutCode = try await browser.signIn("admin@example.sn")
            #expect(withoutCode.status == .unprocessableContent && browser.cookies["protalent_console"] == nil)
            let withCode = try await browser.signIn("admin@example.sn", code: device.nextCode())
            #expect(withCode.status == .seeOther && browser.cookies["protalent_console"] != nil, "\(withCode.text)")
            #expect(try await browser.get("/console/audit").status == .ok)
            // The console's sign-ins are the log's logins, failures included.
            let types = try fixture.eventTypes()
            #expect(types.filter { $0 == "identity.login-succeeded" }.count >= 2, "\(types)")
            #expect(types.contains("identity.login-failed"), "\(types)")
        }
    }

    @Test func aFormWithoutTheSessionsTokenIsRefusedAndChangesNothing() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let (admin, student, browser) = try await Self.adminOnAStudentsPage(fixture, client)
            let head = fixture.platform.log.head
            let forged = try await browser.post("/console/people/\(student.userID)/role", [("role", "admin")], csrf: false)
            #expect(forged.status == .forbidden, "\(forged.status)")
            let wrong = try await browser.post("/console/people/\(student.userID)/role", [("role", "admin"), ("csrf", "guessed")], csrf: false)
            #expect(wrong.status == .forbidden)
            let rebuild = try await browser.post("/console/projections/profiles/rebuild", csrf: false)
            #expect(rebuild.status == .forbidden)
            #expect(fixture.platform.log.head == head, "a refused form wrote to the log")
            #expect(fixture.platform.readModels.status().allSatisfy { $0.state != .rebuilding })
            // A sign-in form from elsewhere has no token cookie: refused too.
            let other = ConsoleBrowser(client)
            let foreign = try await other.post("/console/login", [("email", "admin@example.sn"), ("password", "correct horse battery"), ("csrf", "x")], csrf: false)
            #expect(foreign.status == .forbidden && other.cookies["protalent_console"] == nil)
            #expect(!admin.userID.isEmpty)
        }
    }

    @Test func aStudentIsRefusedAndAModeratorSeesModerationOnly() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let admin = try await client.signUpAdmin(fixture, email: "admin@example.sn")
            _ = try await client.signUp(fixture, email: "student@example.sn")
            let moderator = try await client.signUp(fixture, email: "moderator@example.sn")
            let granted = try await client.send(.put, "/admin/users/\(moderator.userID)/role", json: #"{"role": "moderator"}"#, token: admin.access)
            #expect(granted.status == .noContent)
            let student = ConsoleBrowser(client)
            let refused = try await student.signIn("student@example.sn")
            #expect(refused.status == .forbidden && student.cookies["protalent_console"] == nil)
            #expect(try fixture.eventTypes().contains("identity.refresh-token-family-revoked"), "the refused console login is ended in the log")
            let browser = ConsoleBrowser(client)
            let signedIn = try await browser.signIn("moderator@example.sn")
            #expect(signedIn.status == .seeOther)
            #expect(try await browser.get("/console/").headers[.location] == "/console/moderation")
            #expect(try await browser.get("/console/moderation").status == .ok)
            for page in ["/console/audit", "/console/projections", "/console/people", "/console/scholarships"] {
                #expect(try await browser.get(page).status == .forbidden, "\(page)")
            }
            #expect(try await browser.post("/console/projections/profiles/rebuild").status == .forbidden)
            // Demoted: the next request acts with the new role.
            let demoted = try await client.send(.put, "/admin/users/\(moderator.userID)/role", json: #"{"role": "student"}"#, token: admin.access)
            #expect(demoted.status == .noContent)
            #expect(try await browser.get("/console/moderation").status == .forbidden)
        }
    }

    @Test func aSessionEndsAfterIdleTimeAndOnSignOut() async throws {
        let (fixture, clock) = try APIFixture.onManualClock()
        try await fixture.test { client in
            _ = try await client.signUpAdmin(fixture, email: "admin@example.sn")
            let browser = ConsoleBrowser(client)
            try await browser.signIn("admin@example.sn")
            clock.advance(29 * 60)
            #expect(try await browser.get("/console/audit").status == .ok, "29 minutes idle: still signed in")
            clock.advance(31 * 60)
            let expired = try await browser.get("/console/audit")
            #expect(expired.status == .seeOther && expired.headers[.location] == "/console")
            try await browser.signIn("admin@example.sn")
            _ = try await browser.get("/console/audit")
            let session = try #require(browser.cookies["protalent_console"])
            let out = try await browser.post("/console/logout")
            #expect(out.status == .seeOther && browser.cookies["protalent_console"] == nil)
            #expect(try fixture.eventTypes().last == "identity.refresh-token-family-revoked")
            // The old cookie is worth nothing now.
            var headers = HTTPFields()
            headers[.cookie] = "protalent_console=\(session)"
            let replayed = try await client.execute(uri: "/console/audit", method: .get, headers: headers, body: nil)
            #expect(replayed.status == .seeOther)
        }
    }

    @Test func markupInNamesTitlesAndPostsIsInertOnEveryPage() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let admin = try await client.signUpAdmin(fixture, email: "admin@example.sn")
            let attack = #"<script>alert(1)</script>"#
            let json = #"\u003cscript\u003ealert(1)\u003c/script\u003e"#
            let registered = try await client.send(.post, "/auth/register", json: """
                {"email": "evil@example.sn", "password": "correct horse battery", "firstName": "\(json)", "lastName": "\\"><img src=x>", "role": "student"}
                """)
            #expect(registered.status == .created, "\(registered.text)")
            let evil = try registered.jsonObject()["userId"] as? String ?? ""
            let community = try await client.send(.post, "/communities", json: """
                {"name": "\(json) club", "description": "\(json)", "category": "interest", "isPrivate": false}
                """, token: admin.access)
            #expect(community.status == .created, "\(community.text)")
            let communityID = try community.jsonObject()["communityId"] as? String ?? ""
            let post = try await client.send(.post, "/communities/\(communityID)/posts", json: """
                {"title": "\(json)", "body": "\(json) and <b>bold</b>"}
                """, token: admin.access)
            #expect(post.status == .created, "\(post.text)")
            let scholarship = try await client.send(.post, "/scholarships", json: """
                {"title": "\(json)", "description": "\(json)", "provider": "\(json)", "deadline": "2099-01-01T00:00:00Z"}
                """, token: admin.access)
            #expect(scholarship.status == .created, "\(scholarship.text)")
            let scholarshipID = try scholarship.jsonObject()["scholarshipId"] as? String ?? ""
            let browser = ConsoleBrowser(client)
            try await browser.signIn("admin@example.sn")
            var position = fixture.platform.log.head
            _ = try await client.get("/scholarships/\(scholarshipID)", token: admin.access, after: position)
            position = fixture.platform.log.head
            _ = try await client.get("/communities/\(communityID)/posts", token: admin.access, after: position)
            let pages = Self.pages + ["/console/people/\(evil)", "/console/scholarships/\(scholarshipID)", "/console/audit/stream/community-\(communityID)",
                                      "/console/audit?stream=\(attack)", "/console/people?q=script"]
            var seen = 0
            for page in pages {
                let response = try await browser.get(page.replacingOccurrences(of: "<", with: "%3C").replacingOccurrences(of: ">", with: "%3E"))
                #expect(response.status == .ok, "\(page): \(response.status)")
                #expect(!response.text.contains(attack), "\(page) shows the script as markup")
                #expect(!response.text.contains("<img src=x>") && !response.text.contains("<b>bold"), "\(page)")
                if response.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;") { seen += 1 }
            }
            #expect(seen >= 5, "the words are shown, escaped, on the pages that list them (\(seen))")
        }
    }

    @Test func theModerationQueuePagesEachListOnItsOwn() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let admin = try await client.signUpAdmin(fixture, email: "admin@example.sn")
            let community = try await client.send(.post, "/communities", json: """
                {"name": "Dakar Devs", "description": "Code", "category": "interest", "isPrivate": false}
                """, token: admin.access)
            let communityID = try community.jsonObject()["communityId"] as? String ?? ""
            var postIDs: [String] = []
            for number in 1...5 {
                let post = try await client.send(.post, "/communities/\(communityID)/posts", json: #"{"body": "post \#(number)"}"#, token: admin.access)
                #expect(post.status == .created, "\(post.text)")
                postIDs.append(try post.jsonObject()["postId"] as? String ?? "")
            }
            _ = try await client.get("/communities/\(communityID)/posts", token: admin.access, after: fixture.platform.log.head)
            let browser = ConsoleBrowser(client)
            try await browser.signIn("admin@example.sn")
            var listed: [String] = []
            var next: String? = "/console/moderation?limit=2"
            while let page = next {
                let response = try await browser.get(page)
                #expect(response.status == .ok, "\(page): \(response.status)")
                let rows = Self.values(of: "data-post", in: response.text)
                #expect(rows.count <= 2, "\(page) lists \(rows.count) posts")
                listed += rows
                next = Self.values(of: "id=\"more-posts\" href", in: response.text).first?.replacingOccurrences(of: "&amp;", with: "&")
                #expect(listed.count <= postIDs.count, "the pages never end: \(listed)")
                if listed.count > postIDs.count { break }
            }
            #expect(listed == postIDs.reversed().map { $0.lowercased() }, "newest first, each post once across the pages")
            let forged = try await browser.get("/console/moderation?posts=not-a-cursor")
            #expect(forged.status == .badRequest, "\(forged.status)")
        }
    }

    /// The values of `attribute="…"` in `html`, in order.
    static func values(of attribute: String, in html: String) -> [String] {
        html.components(separatedBy: "\(attribute)=\"").dropFirst().compactMap { $0.split(separator: "\"", maxSplits: 1).first.map(String.init) }
    }

    @Test(.timeLimit(.minutes(3))) func aRoleChangeAndAClosedScholarshipGoThroughTheAPIsCommands() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let (admin, student, browser) = try await Self.adminOnAStudentsPage(fixture, client)
            let changed = try await browser.post("/console/people/\(student.userID)/role", [("role", "mentor")])
            #expect(changed.status == .seeOther, "\(changed.text)")
            let refreshed = try await client.send(.get, "/users/profile", token: try await client.logIn("student@example.sn"))
            #expect((try refreshed.jsonObject()["role"] as? String) == "mentor", "\(refreshed.text)")
            // The grant raised a security alert (recorded in the log by the alert service), which the overview lists.
            for try await record in fixture.platform.log.subscribe(from: 1) where record.type == "security.alert-raised" { break }
            let overview = try await browser.get("/console/")
            #expect(overview.text.contains("role_granted") && overview.text.contains("student → mentor"), "\(overview.text.suffix(3_000))")
            // The API's rule holds here too: nobody changes their own role.
            let own = try await browser.post("/console/people/\(admin.userID)/role", [("role", "student")])
            #expect(own.status == .forbidden || own.status == .conflict || own.status == .unprocessableContent, "\(own.status)")
            // Create, then close, a scholarship.
            _ = try await browser.get("/console/scholarships/new")
            let created = try await browser.post("/console/scholarships", [
                ("title", "Bourse du numérique"), ("provider", "Fondation"), ("description", "Pour les étudiants en informatique."),
                ("amount", "1000.00"), ("currency", "eur"), ("deadline", "2099-06-30"), ("educationLevels", "bachelor"),
                ("educationLevels", "master"), ("countries", "sn, ci"), ("requirements", "Un relevé de notes\nUne lettre"),
            ])
            #expect(created.status == .seeOther, "\(created.text)")
            let listed = try await client.get("/scholarships?limit=100", token: admin.access, after: fixture.platform.log.head)
            let item = try #require((try listed.jsonObject()["items"] as? [[String: Any]])?.first)
            let id = try #require(item["id"] as? String)
            #expect((item["eligibility"] as? [String: Any])?["countries"] as? [String] == ["SN", "CI"])
            _ = try await browser.get("/console/scholarships")
            let closed = try await browser.post("/console/scholarships/\(id)/close")
            #expect(closed.status == .seeOther)
            let after = try await client.get("/scholarships/\(id)", token: admin.access, after: fixture.platform.log.head)
            #expect((try after.jsonObject()["closed"] as? Bool) == true, "\(after.text)")
        }
    }

    @Test func anErasedPersonsFieldsShowAsErasedAndSecretsAreNeverShown() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let (_, student, browser) = try await Self.adminOnAStudentsPage(fixture, client)
            let before = try await browser.get("/console/audit/stream/account-\(student.userID)")
            #expect(before.text.contains("student@example.sn") && before.text.contains("\"Awa\""), "revealed while the key exists")
            #expect(before.text.contains("\"passwordHash\": <span class=\"hidden\">") && !before.text.contains("scrypt"))
            #expect(try await client.eraseAccount(token: student.access).status == .noContent)
            let after = try await browser.get("/console/audit/stream/account-\(student.userID)")
            #expect(after.status == .ok)
            #expect(!after.text.contains("student@example.sn") && !after.text.contains("\"Awa\""), "personal data after erasure")
            #expect(after.text.contains("\"firstName\": <span class=\"erased\">[effacé]</span>"), "\(after.text.suffix(3_000))")
        }
    }

    /// An admin signed in to the console, on the page of a student who just signed up.
    static func adminOnAStudentsPage(
        _ fixture: APIFixture, _ client: any TestClientProtocol
    ) async throws -> (admin: (userID: String, access: String), student: (userID: String, access: String, refresh: String), browser: ConsoleBrowser) {
        let admin = try await client.signUpAdmin(fixture, email: "admin@example.sn")
        let student = try await client.signUp(fixture, email: "student@example.sn")
        let browser = ConsoleBrowser(client)
        try await browser.signIn("admin@example.sn")
        _ = try await browser.get("/console/people/\(student.userID)")
        return (admin, student, browser)
    }
}
