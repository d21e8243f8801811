import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// JSON over HTTP for the cluster bench: one shared AsyncHTTPClient (connection pool per node).
struct BenchClient: Sendable {
    let client: HTTPClient

    /// An answer: status, body and `X-Log-Position`.
    struct Answer: Sendable, CustomStringConvertible {
        var status: Int
        var body: Data
        var position: Int64?

        var description: String { "\(status) \(String(decoding: body.prefix(500), as: UTF8.self))" }

        /// A top-level field of a JSON object body.
        subscript(_ field: String) -> Any? {
            ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])?[field]
        }
    }

    /// Sends `json` (a `JSONSerialization` object, or none) to `url` and decodes the answer.
    func send(_ method: String, _ url: String, json: [String: Any]? = nil, token: String? = nil,
              headers extra: [String: String] = [:]) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return Answer(
            status: Int(response.status.code), body: Data(bytes.readableBytesView),
            position: response.headers.first(name: "X-Log-Position").flatMap(Int64.init)
        )
    }

    /// The node's log head (`GET /health`).
    func head(_ node: String) async throws -> Int64 {
        let answer = try await send("GET", node + "/health")
        guard let head = (answer["logHead"] as? NSNumber)?.int64Value else { throw BenchError("no logHead from \(node)/health") }
        return head
    }

    /// The password of every account the bench registers.
    static let password = "bench-password-2026"

    /// Registers `email` (with `role`) and logs in: the access token.
    func signUp(_ node: String, email: String, role: String = "student") async throws -> String {
        let password = Self.password
        let registered = try await send("POST", node + "/auth/register", json: [
            "email": email, "password": password, "firstName": "Awa", "lastName": "Diop", "role": role, "countryCode": "SN",
        ])
        guard registered.status == 201 else { throw BenchError("register \(email): \(registered)") }
        let login = try await send("POST", node + "/auth/login", json: ["email": email, "password": password])
        guard let token = login["accessToken"] as? String else { throw BenchError("login \(email): \(login)") }
        return token
    }

    /// A public community created by the holder of `token`: its id.
    func createCommunity(_ node: String, token: String, name: String) async throws -> String {
        let created = try await send("POST", node + "/communities", json: [
            "name": name, "description": "Bench", "category": "interest", "isPrivate": false,
        ], token: token)
        guard let id = created["communityId"] as? String else { throw BenchError("create community: \(created)") }
        return id
    }
}
