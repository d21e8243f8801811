import API
import Cryptography
import Foundation
import Testing
import TestSupport

/// The console in a real browser: `Tests/Tools/console-browser.py` drives headless Chromium
/// (Debian's `chromium` + `chromium-driver`, selenium from `scripts/selenium`) against a real
/// `protalent serve --demo`, as an operator would; each action is then checked through the API.
///
/// `PROTALENT_CONSOLE_SCREENSHOTS=DIR` keeps the screenshots there (how `docs/console/` is made).
@Suite(.serialized, .enabled(if: ConsoleBrowserRun.available, "chromium, chromium-driver or selenium missing: run scripts/setup"))
struct ConsoleBrowserEndToEndTests {
    @Test(.timeLimit(.minutes(10))) func operatorsSignInBrowseRebuildModerateAndCloseInARealBrowser() async throws {
        try await withServer(arguments: ["--demo", "--demo-users", "30"]) { server in
            let logins = server.demoLogins()
            let adminEmail = try #require(logins["admin"], "no demo admin in \(server.lastStdout)")
            let studentEmail = try #require(logins["student"])
            let admin = try #require(try await server.login(adminEmail, password: DemoData.password).object["accessToken"] as? String)

            // A second admin with 2FA on; the set-up is confirmed with the previous step's code, so
            // the browser's code (this step's) is not a replay.
            let operatorAccount = try await server.signUp(uniqueEmail("ops"), firstName: "Ops", lastName: "Twofactor")
            let granted = try await server.client.send("PUT", "/admin/users/\(operatorAccount.id)/role", json: ["role": "admin"], token: admin)
            #expect(granted.status == 204, "\(granted)")
            let operatorToken = try #require(try await server.login(operatorAccount.email).object["accessToken"] as? String)
            let enabled = try await server.client.send("POST", "/auth/2fa/enable", json: ["password": testPassword], token: operatorToken)
            let secret = try #require(enabled.object["secret"] as? String, "\(enabled)")
            let previousStep = TOTP(secret: try #require(Base32.decode(secret))).code(at: Int64(Date().timeIntervalSince1970) - 30)
            let verified = try await server.client.send("POST", "/auth/2fa/verify", json: ["code": previousStep], token: operatorToken)
            #expect(verified.status == 204, "\(verified)")

            // What the operator will act on: a generated student, a fresh post, an open scholarship.
            let people = try await server.read("/users/search?q=Fatou&role=student", token: admin)
            let person = try #require((people.object["items"] as? [[String: Any]])?.first, "\(people)")
            let personID = try #require(person["id"] as? String)
            let communities = try await server.read("/communities?limit=100", token: admin)
            let community = try #require((communities.object["items"] as? [[String: Any]])?.first { $0["isPrivate"] as? Bool == false })
            let communityID = try #require(community["id"] as? String)
            _ = try await server.client.send("POST", "/communities/\(communityID)/join", token: admin)
            let post = try await server.client.send(
                "POST", "/communities/\(communityID)/posts", json: ["title": "Annonce à retirer", "body": "Contenu hors sujet"], token: admin
            )
            let postID = try #require(post.object["postId"] as? String, "\(post)")
            let open = try await server.read("/scholarships?open=true&limit=5", token: admin, after: post.logPosition)
            let scholarshipID = try #require((open.object["items"] as? [[String: Any]])?.first?["id"] as? String, "\(open)")

            let screenshots = ProcessInfo.processInfo.environment["PROTALENT_CONSOLE_SCREENSHOTS"] ?? server.dataDirectory + "-screenshots"
            try FileManager.default.createDirectory(atPath: screenshots, withIntermediateDirectories: true)
            let config: [String: Any] = [
                "base": "http://127.0.0.1:\(server.client.port)",
                "admin": ["email": adminEmail, "password": DemoData.password],
                "student": ["email": studentEmail, "password": DemoData.password],
                "twoFactor": ["email": operatorAccount.email, "password": testPassword, "secret": secret],
                "person": ["id": personID, "name": "Fatou"],
                "post": ["community": communityID, "id": postID],
                "scholarship": scholarshipID, "projection": "analytics", "screenshots": screenshots,
            ]
            let loginsBefore = try await Self.logins(of: operatorAccount.id, server, admin)
            let configFile = server.dataDirectory + "-console.json"
            try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: configFile))
            let run = try await offPool { try ConsoleBrowserRun.run(configFile) }
            let report = try #require(
                try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "browser: \(run.stdout) \(run.stderr.suffix(3_000))"
            )
            try #require(report["ok"] as? Bool == true, "browser: \(report["error"] ?? run.stderr.suffix(3_000))")
            let seen = try #require(report["seen"] as? [String: Any])

            // Each action, checked through the API.
            let head = try await server.logHead()
            let role = try await server.read("/users/\(personID)/public", token: admin, after: head)
            #expect(role.object["role"] as? String == "moderator", "role change: \(role)")
            let posts = try await server.read("/communities/\(communityID)/posts?limit=100", token: admin, after: head)
            #expect(!posts.text.contains(postID), "the removed post is still listed")
            let scholarship = try await server.read("/scholarships/\(scholarshipID)", token: admin, after: head)
            #expect(scholarship.object["closed"] as? Bool == true, "close: \(scholarship)")
            let projections = try await server.read("/admin/projections", token: admin)
            let analytics = (projections.object["items"] as? [[String: Any]])?.first { $0["name"] as? String == "analytics" }
            #expect(analytics?["state"] as? String == "running", "\(projections)")
            #expect((seen["rebuiltCheckpoint"] as? Int).map(Int64.init) ?? 0 >= operatorAccount.position, "the rebuild caught up: \(seen)")
            let overview = try await server.read("/admin/analytics", token: admin, after: head)
            let top = (overview.object["signupsByCountry"] as? [[String: Any]])?.first
            let chart = seen["chartTopCountry"] as? [String: Any]
            #expect(chart?["country"] as? String == top?["countryCode"] as? String && chart?["signups"] as? Int == top?["signups"] as? Int,
                    "the chart reads \(chart ?? [:]), the API \(top ?? [:])")
            // Each country drawn in the weekly chart shows, for each week, what the API counts.
            let weekly = try #require(seen["chartWeeklyCountries"] as? [String: Int])
            let rows = try #require(overview.object["signupsPerWeekByCountry"] as? [[String: Any]])
            var compared = 0
            for row in rows {
                guard let week = row["week"] as? String, let country = row["countryCode"] as? String,
                      let drawn = weekly["\(week.suffix(3)) · \(country)"] else { continue }
                #expect(drawn == row["signups"] as? Int, "\(week) \(country): drawn \(drawn), counted \(row)")
                compared += 1
            }
            #expect(compared > 0, "no country of the API is drawn in the weekly chart: \(weekly)")
            #expect(seen["studentRefused"] != nil && seen["forgedRefused"] as? Bool == true && seen["twoFactorSignedIn"] as? Bool == true)
            #expect(try await Self.logins(of: operatorAccount.id, server, admin, after: head) == loginsBefore + 1,
                    "the console's 2FA sign-in is in the audit trail")
        }
    }

    /// How many successful logins the audit trail holds for the account `id`.
    static func logins(of id: String, _ server: ServerProcess, _ admin: String, after position: Int64? = nil) async throws -> Int {
        let logs = try await server.read("/admin/audit?stream=account-\(id)&type=identity.login-succeeded&limit=100", token: admin, after: position)
        return (logs.object["items"] as? [[String: Any]])?.count ?? 0
    }
}

/// The browser script and how to run it.
enum ConsoleBrowserRun {
    static let root = URL(fileURLWithPath: ServerProcess.projectionsDirectory).deletingLastPathComponent().path
    static let python = root + "/.build/test-tools/selenium-venv/bin/python"
    static let script = root + "/Tests/Tools/console-browser.py"

    /// Whether Chromium, its driver and selenium are installed (by `scripts/setup`).
    static var available: Bool {
        ["/usr/bin/chromium", "/usr/bin/chromedriver", python].allSatisfy(FileManager.default.isExecutableFile)
    }

    /// Runs the script on `configFile` to completion.
    static func run(_ configFile: String) throws -> (status: Int32, stdout: String, stderr: String) {
        try ChildProcess.run(python, [script, configFile])
    }
}
