import Cryptography
import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Security alerts through the real binary: each detector driven by its pattern over HTTP, each alert
/// recorded (`GET /admin/alerts`), counted in `/metrics` and POSTed to a real webhook receiver that
/// refuses the first delivery (so the retry is exercised).
@Suite(.serialized)
struct SecurityAlertsEndToEndTests {
    static let receiverScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path
        + "/Tools/webhook-receiver.py"

    @Test(.timeLimit(.minutes(5)))
    func eachPatternRaisesItsAlertEverywhereItIsReported() async throws {
        let directory = try TemporaryDirectory("protalent-alerts")
        defer { directory.remove() }
        let received = directory.path + "/received"
        try FileManager.default.createDirectory(atPath: received, withIntermediateDirectories: true)
        let receiverPort = try ServerProcess.freePort()
        let receiver = Process()
        receiver.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        receiver.arguments = [Self.receiverScript, received, String(receiverPort), "1"]
        let receiverOutput = directory.path + "/receiver.txt"
        _ = FileManager.default.createFile(atPath: receiverOutput, contents: nil)
        receiver.standardOutput = FileHandle(forWritingAtPath: receiverOutput)
        receiver.standardError = FileHandle(forWritingAtPath: receiverOutput)
        try receiver.run()
        // SIGKILL: the test runner's children may inherit a mask that holds SIGTERM back.
        defer { kill(receiver.processIdentifier, SIGKILL); receiver.waitUntilExit() }
        try await offPool {
            _ = try DirectoryWatch.wait(in: directory.path) { () -> Bool? in
                ((try? String(contentsOfFile: receiverOutput, encoding: .utf8)) ?? "").contains("listening on") ? true : nil
            }
        }

        let server = ServerProcess(dataDirectory: directory.path + "/data", environment: [
            "PROTALENT_ALERT_THRESHOLDS": "login_failures_ip=3,login_failures_account=3,two_factor_failures=2,export_burst=2,erasure_burst=2,probing=5",
            "PROTALENT_ALERT_WEBHOOK": "http://127.0.0.1:\(receiverPort)/hooks/alerts",
        ])
        defer { server.removeFiles() }
        do {
            try await server.start()
            try await drive(server, received: received)
            await server.stop()
        } catch {
            await server.kill()
            throw error
        }
    }

    func drive(_ server: ServerProcess, received: String) async throws {
        let admin = try await server.bootstrapAdmin()
        let student = try await server.signUp(uniqueEmail("student"))

        // role_granted
        let grant = try await server.client.send("PUT", "/admin/users/\(student.id)/role", json: ["role": "mentor"], token: admin.accessToken)
        #expect(grant.status == 200 || grant.status == 204, "\(grant)")
        // login_failures_ip and login_failures_account: three wrong passwords on one account, from one address
        for _ in 0..<3 { #expect(try await server.login(student.email, password: "not the password at all").status == 401) }
        // probing: five 404s
        for _ in 0..<5 { #expect(try await server.client.send("GET", "/users/\(UUID().uuidString.lowercased())/public").status == 404) }
        // export_burst
        for _ in 0..<2 { #expect(try await server.client.send("GET", "/users/me/export", token: student.accessToken).status == 200) }
        // erasure_burst: two accounts erased
        for label in ["leaving-1", "leaving-2"] {
            let leaving = try await server.signUp(uniqueEmail(label))
            let erased = try await server.client.send("DELETE", "/users/me", json: ["password": testPassword], token: leaving.accessToken)
            #expect(erased.status == 202 || erased.status == 204, "\(erased)")
        }
        // two_factor_failures, then two_factor_disabled
        let person = try await server.signUp(uniqueEmail("two-factor"))
        let enabled = try await server.client.send("POST", "/auth/2fa/enable", json: ["password": testPassword], token: person.accessToken)
        try #require(enabled.status == 200, "\(enabled)")
        let secret = try #require((enabled.object["secret"] as? String).flatMap(Base32.decode))
        let recovery = try #require((enabled.object["recoveryCodes"] as? [String])?.first)
        let code = TOTP(secret: secret).code(at: Int64(Date().timeIntervalSince1970))
        #expect(try await server.client.send("POST", "/auth/2fa/verify", json: ["code": code], token: person.accessToken).status == 204)
        for _ in 0..<2 {
            let wrong = try await server.client.send("POST", "/auth/login", json: ["email": person.email, "password": testPassword, "totpCode": "12345"])
            #expect(wrong.status == 401, "\(wrong)")
        }
        let disabled = try await server.client.send(
            "POST", "/auth/2fa/disable", json: ["password": testPassword, "code": recovery], token: person.accessToken
        )
        #expect(disabled.status == 204, "\(disabled)")
        // admin_new_network: the admin signs in from another network (a loopback address in 127.0.5.0/24)
        var elsewhere = server.client
        elsewhere.sourceAddress = "127.0.5.9"
        let remote = try await elsewhere.send("POST", "/auth/login", json: ["email": admin.email, "password": testPassword])
        #expect(remote.status == 200, "\(remote)")

        let expected: Set<String> = [
            "role_granted", "login_failures_ip", "login_failures_account", "probing", "export_burst", "erasure_burst",
            "two_factor_failures", "two_factor_disabled", "admin_new_network",
        ]
        // Alerts are recorded after the answers: wait for them in the webhook's deliveries (each a file).
        let delivered = try await offPool {
            try DirectoryWatch.wait(in: received, timeout: .seconds(120)) { () -> [[String: String]]? in
                let files = ((try? FileManager.default.contentsOfDirectory(atPath: received)) ?? []).filter { $0.hasSuffix(".json") }
                let bodies = files.compactMap { name in
                    (try? Data(contentsOf: URL(fileURLWithPath: received + "/" + name))).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
                }.map { $0.compactMapValues { $0 as? String } }
                return expected.isSubset(of: Set(bodies.compactMap { $0["kind"] })) ? bodies : nil
            }
        }
        let admin2 = try await server.logIn(admin.email, id: admin.id)
        let listed = try await server.client.send("GET", "/admin/alerts", token: admin2.accessToken)
        #expect(listed.status == 200, "\(listed)")
        let items = try #require(listed.object["items"] as? [[String: Any]])
        #expect(expected.isSubset(of: Set(items.compactMap { $0["kind"] as? String })), "\(items)")
        #expect(Set(delivered.compactMap { $0["id"] }).isSubset(of: Set(items.compactMap { $0["id"] as? String })))
        let probing = try await server.client.send("GET", "/admin/alerts?kind=probing", token: admin2.accessToken)
        #expect((probing.object["items"] as? [[String: Any]])?.allSatisfy { $0["kind"] as? String == "probing" } == true)
        let future = try await server.client.send("GET", "/admin/alerts?from=2999-01-01T00:00:00Z", token: admin2.accessToken)
        #expect((future.object["items"] as? [Any])?.isEmpty == true, "\(future)")
        #expect(try await server.client.send("GET", "/admin/alerts?kind=nonsense", token: admin2.accessToken).status == 422)
        #expect(try await server.client.send("GET", "/admin/alerts", token: student.accessToken).status == 403)
        let metrics = try await MetricsScrape(server, token: admin2.accessToken)
        for kind in expected {
            #expect((metrics.value("protalent_security_alerts_total", ["kind": kind]) ?? 0) >= 1, "\(kind)")
        }
        let events = try await server.replay(stream: "security-alerts")
        #expect(events.count >= items.count && events.allSatisfy { $0["type"] as? String == "security.alert-raised" })
    }
}
