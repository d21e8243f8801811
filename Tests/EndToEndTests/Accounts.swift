import Foundation
import Testing
import TestSupport

/// A signed-up person as the suite knows them.
struct Account: Sendable {
    var id: String
    var email: String
    var password: String
    var accessToken: String
    var refreshToken: String
    /// The log position of the last command that concerned them (for `X-Min-Position`).
    var position: Int64
}

/// The shared password of the suite's accounts (long enough for the password rule).
let testPassword = "correct horse battery staple 2026"

extension ServerProcess {
    /// `POST /auth/register`; returns the answer (201 with `userId` when accepted).
    func register(_ email: String, role: String = "student", firstName: String = "Awa", lastName: String = "Diop",
                  countryCode: String? = "SN", city: String? = "Dakar") async throws -> HTTPResponse {
        var body: [String: Any] = ["email": email, "password": testPassword, "firstName": firstName, "lastName": lastName, "role": role]
        if let countryCode { body["countryCode"] = countryCode }
        if let city { body["city"] = city }
        return try await client.send("POST", "/auth/register", json: body)
    }

    /// The newest verification token mailed to `email`, read from `<data>/mail/outbox/*.eml`, waiting
    /// for the mail to be delivered (the server records it before it answers and delivers it after).
    func mailedToken(to email: String, link: String = "/auth/verify-email?token=") throws -> String? {
        try DirectoryWatch.wait(in: dataDirectory + "/mail/outbox") { try newestToken(to: email, link: link) }
    }

    /// The newest token mailed to `email` that is already in the outbox, or `nil`.
    func newestToken(to email: String, link: String = "/auth/verify-email?token=") throws -> String? {
        let outbox = dataDirectory + "/mail/outbox"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
        for name in names.reversed() {
            let text = try String(contentsOfFile: outbox + "/" + name, encoding: .utf8)
            guard text.contains("\r\nTo: \(email)\r\n"), let start = text.range(of: link) else { continue }
            return String(text[start.upperBound...].prefix { !$0.isWhitespace })
        }
        return nil
    }

    /// `POST /auth/login`.
    func login(_ email: String, password: String = testPassword) async throws -> HTTPResponse {
        try await client.send("POST", "/auth/login", json: ["email": email, "password": password])
    }

    /// Registers, verifies the mailed address and logs in, checking each step's status.
    func signUp(_ email: String, role: String = "student", firstName: String = "Awa", lastName: String = "Diop") async throws -> Account {
        let registered = try await register(email, role: role, firstName: firstName, lastName: lastName)
        try #require(registered.status == 201, "register \(email): \(registered)")
        let id = try #require(registered.object["userId"] as? String)
        let token = try #require(try mailedToken(to: email), "no verification mail for \(email)")
        let verified = try await client.send("GET", "/auth/verify-email?token=\(token)")
        try #require(verified.status == 200, "verify \(email): \(verified)")
        return try await logIn(email, id: id)
    }

    /// Logs in an existing account.
    func logIn(_ email: String, id: String) async throws -> Account {
        let login = try await login(email)
        try #require(login.status == 200, "login \(email): \(login)")
        return Account(
            id: id, email: email, password: testPassword,
            accessToken: try #require(login.object["accessToken"] as? String),
            refreshToken: try #require(login.object["refreshToken"] as? String),
            position: try #require(login.logPosition)
        )
    }

    /// An admin: signs up, then restarts the server with `--bootstrap-admin` (the only way to the
    /// first admin) and logs in again so the token carries the role.
    func bootstrapAdmin() async throws -> Account {
        let email = uniqueEmail("admin")
        let account = try await signUp(email, firstName: "Fatou", lastName: "Sarr")
        await stop()
        try await start(extraArguments: ["--bootstrap-admin", email])
        return try await logIn(email, id: account.id)
    }

    /// A GET that waits for the read models to reach `position` (read-your-writes). A 503 (the
    /// models did not get there within the server's 5 s, as happens on a loaded 2-core machine
    /// or while they rebuild) is retried for up to two minutes.
    func read(_ target: String, token: String? = nil, after position: Int64? = nil) async throws -> HTTPResponse {
        var headers: [String: String] = [:]
        if let position { headers["X-Min-Position"] = String(position) }
        let deadline = Date().addingTimeInterval(120)
        while true {
            let response = try await client.send("GET", target, headers: headers, token: token)
            if response.status != 503 || Date() > deadline { return response }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// The log head, from `/health`.
    func logHead() async throws -> Int64 {
        let health = try await client.send("GET", "/health")
        return try #require((health.object["logHead"] as? NSNumber)?.int64Value, "health: \(health)")
    }

    /// `protalent replay --stream S --format jsonl`, parsed.
    func replay(stream: String? = nil) async throws -> [[String: Any]] {
        var arguments = ["replay", "--data-dir", dataDirectory, "--format", "jsonl"]
        if let stream { arguments += ["--stream", stream] }
        let run = try await runBinary(arguments)
        try #require(run.status == 0, "replay: \(run.stderr)")
        return run.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// `protalent verify`: status and output.
    func verify() async throws -> (status: Int32, output: String) {
        let run = try await runBinary(["verify", "--data-dir", dataDirectory])
        return (run.status, run.stdout + run.stderr)
    }
}

/// A unique address for this run (the suite's servers each have their own data, but names stay readable).
func uniqueEmail(_ label: String) -> String {
    "\(label).\(UUID().uuidString.prefix(8).lowercased())@e2e.protalent.test"
}

/// Runs blocking work on a GCD thread, off Swift's cooperative pool: that pool has one thread per
/// core (two here), and a child process waited for on it would stall every other suite's tasks.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}

/// `protalent ARGUMENTS` to completion, off the cooperative pool.
func runBinary(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
    try await offPool { try ProtalentBinary.run(arguments) }
}
