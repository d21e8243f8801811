import API
import EventLog
import EventSourcing
import HTTPTypes
import Cryptography
import EventSourcing
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// The repository's `projections/` directory.
let repositoryProjections = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("projections")

/// A real platform on a temporary data directory (real log, keys, SQLite read models), and the
/// real application built on it. Passwords use a lower scrypt cost so tests stay quick; the
/// format and code path are the production ones.
final class APIFixture: Sendable {
    let directory: TemporaryDirectory
    let platform: Platform

    init(
        rateLimits: RateLimits = RateLimits(enabled: false), clock: Clock = .system, readYourWritesTimeout: Duration = .seconds(5),
        environment: [String: String] = [:], passwordChecksInFlight: Int = 64
    ) throws {
        directory = try TemporaryDirectory("protalent-api")
        var configuration = Platform.Configuration(
            dataDirectory: directory.url, projectionsDirectory: repositoryProjections,
            environment: environment.merging(["PROTALENT_MASTER_KEY": Base64.encode(SecureRandom.bytes(count: 32))]) { mine, _ in mine },
            passwordHasher: PasswordHasher(logN: 10), rateLimits: rateLimits, durability: .unsafeNoSync, clock: clock,
            readYourWritesTimeout: readYourWritesTimeout
        )
        configuration.passwordChecksInFlight = passwordChecksInFlight
        platform = try Platform(configuration)
    }

    deinit {
        platform.close()
        directory.remove()
    }

    /// Runs `body` against the real router, with the projection runners running.
    func test<Value: Sendable>(
        runsProjections: Bool = true, _ body: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        let app = try buildApplication(platform: platform, runsProjections: runsProjections)
        return try await app.test(.router, body)
    }

    /// A fixture whose platform reads a clock the test moves, from `start` (by default
    /// 2027-01-15T08:00:00Z, the first second of a TOTP step).
    static func onManualClock(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) throws -> (fixture: APIFixture, clock: ManualClock) {
        let clock = ManualClock(start)
        return (try APIFixture(clock: clock.clock), clock)
    }

    /// The types of the events in the log, in order.
    func eventTypes() throws -> [String] {
        try platform.log.read(from: 1, maxCount: 10_000).map(\.type)
    }

    /// The `.eml` files of the outbox, oldest first.
    func outbox() throws -> [String] {
        let url = directory.url.appendingPathComponent("mail/outbox")
        let names = try FileManager.default.contentsOfDirectory(atPath: url.path).filter { $0.hasSuffix(".eml") }.sorted()
        return try names.map { try String(contentsOf: url.appendingPathComponent($0), encoding: .utf8) }
    }
}

/// JSON helpers for test requests.
extension TestClientProtocol {
    /// Sends `body` (an encodable value or raw JSON text) with optional bearer token.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, json body: String? = nil, token: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if body != nil { headers[.contentType] = "application/json" }
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    /// Logs in and returns the access token.
    func logIn(_ email: String, password: String = "correct horse battery") async throws -> String {
        let login = try await send(.post, "/auth/login", json: #"{"email": "\#(email)", "password": "\#(password)"}"#)
        #expect(login.status == .ok, "\(login.text)")
        return try #require(login.jsonObject()["accessToken"] as? String)
    }

    /// `POST /auth/refresh` with `token`.
    func refresh(_ token: String) async throws -> TestResponse {
        try await send(.post, "/auth/refresh", json: #"{"refreshToken": "\#(token)"}"#)
    }

    /// Erases the account of `token`, confirmed with its password (`DELETE /users/me`).
    func eraseAccount(token: String, password: String = "correct horse battery") async throws -> TestResponse {
        try await send(.delete, "/users/me", json: #"{"password": "\#(password)"}"#, token: token)
    }

    /// Registers, verifies the email from the outbox, logs in; returns the user id and tokens.
    func signUp(
        _ fixture: APIFixture, email: String, role: String = "student", password: String = "correct horse battery"
    ) async throws -> (userID: String, access: String, refresh: String) {
        let registered = try await send(.post, "/auth/register", json: """
            {"email": "\(email)", "password": "\(password)", "firstName": "Awa", "lastName": "Diop", "role": "\(role)", "countryCode": "SN"}
            """)
        #expect(registered.status == .created, "\(registered.text)")
        let userID = try registered.jsonObject()["userId"] as? String ?? ""
        let login = try await send(.post, "/auth/login", json: #"{"email": "\#(email)", "password": "\#(password)"}"#)
        #expect(login.status == .ok, "\(login.text)")
        let tokens = try login.jsonObject()
        return (userID, tokens["accessToken"] as? String ?? "", tokens["refreshToken"] as? String ?? "")
    }
}

extension TestResponse {
    /// The body as a JSON object.
    func jsonObject() throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(body.readableBytesView))
        return try #require(value as? [String: Any], "not a JSON object: \(String(decoding: body.readableBytesView, as: UTF8.self))")
    }

    /// The body as text.
    var text: String { String(decoding: body.readableBytesView, as: UTF8.self) }

    /// Checks an RFC 9457 problem with `status`, and returns it.
    @discardableResult
    func expectProblem(_ status: HTTPResponse.Status, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        #expect(self.status == status, "expected \(status.code), got \(self.status.code): \(text)", sourceLocation: sourceLocation)
        #expect(headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        let problem = try jsonObject()
        #expect(problem["status"] as? Int == status.code, sourceLocation: sourceLocation)
        #expect((problem["detail"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        #expect(problem["type"] is String && problem["title"] is String, sourceLocation: sourceLocation)
        return problem
    }

    /// `X-Log-Position` as a number.
    var logPosition: Int64? { headers[HTTPField.Name("X-Log-Position")!].flatMap { Int64($0) } }
}
