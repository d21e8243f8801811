import Foundation
import Testing
import TestSupport

/// `PROTALENT_TRUSTED_PROXIES`: behind a listed proxy the per-address limits see the client named in
/// `X-Forwarded-For`; anyone else's header, and what a client wrote to the left of the proxy's entry,
/// is ignored. Driven through the real binary's auth rate limit (20 calls a minute per address),
/// with the proxy and a stranger as two loopback source addresses.
@Suite(.serialized)
struct TrustedProxiesEndToEndTests {
    /// `POST /auth/login` for an unknown address (a new one each time: one address locks after a few
    /// failures, whoever sends them) from `source` (127.0.0.1 by default), forwarded for `forwardedFor`.
    func failedLogin(_ server: ServerProcess, from source: String? = nil, forwardedFor: String?) async throws -> Int {
        var client = server.client
        client.sourceAddress = source
        let headers = forwardedFor.map { ["X-Forwarded-For": $0] } ?? [:]
        return try await client.send(
            "POST", "/auth/login", json: ["email": uniqueEmail("nobody"), "password": "wrong password 2026"], headers: headers
        ).status
    }

    /// `count` failed logins sent at once: the limits are token buckets on the real clock that refill
    /// (the failures per address by one every 45 s), so twenty logins one after another on a loaded
    /// machine could outlast a token and let the twenty-first through; sent together they arrive
    /// within a second.
    func failedLogins(_ server: ServerProcess, _ count: Int, from source: String? = nil, forwardedFor: @escaping @Sendable (Int) -> String?) async throws -> [Int] {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for attempt in 1...count {
                group.addTask { try await failedLogin(server, from: source, forwardedFor: forwardedFor(attempt)) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test func theAuthLimitCountsTheClientBehindATrustedProxyAndIgnoresEveryoneElsesHeader() async throws {
        // Rate limits on (the suite's servers run without them), the proxy is 127.0.0.1 only.
        try await withServer(environment: ["PROTALENT_RATE_LIMITS": "on", "PROTALENT_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"]) { server in
            let first = try await failedLogins(server, 20) { _ in "203.0.113.7" }
            #expect(first == Array(repeating: 401, count: 20), "\(first)")
            #expect(try await failedLogin(server, forwardedFor: "203.0.113.7") == 429)
            // Another person behind the same proxy has their own allowance.
            #expect(try await failedLogin(server, forwardedFor: "203.0.113.8") == 401)
            // nginx appends the address it saw: what the client wrote to its left is not believed.
            #expect(try await failedLogin(server, forwardedFor: "198.51.100.1, 203.0.113.7") == 429)
            // A hop through another listed proxy (10.0.0.5) still ends at the person.
            #expect(try await failedLogin(server, forwardedFor: "203.0.113.7, 10.0.0.5") == 429)

            // A client that is not a listed proxy: its header is ignored, it is counted by its own address.
            let strangers = try await failedLogins(server, 20, from: "127.0.0.2") { "203.0.113.\(100 + $0)" }
            #expect(strangers == Array(repeating: 401, count: 20), "\(strangers)")
            #expect(try await failedLogin(server, from: "127.0.0.2", forwardedFor: "203.0.113.200") == 429)
        }
    }

    @Test func anEntryThatIsNoAddressIsRefusedAtStartNamingIt() async throws {
        let directory = try TemporaryDirectory("protalent-proxies")
        defer { directory.remove() }
        let server = ServerProcess(
            dataDirectory: directory.path + "/data", environment: ["PROTALENT_TRUSTED_PROXIES": "127.0.0.1,nginx.local"]
        )
        defer { server.removeFiles() }
        let (status, output) = try await server.startExpectingRefusal()
        #expect(status == 1)
        #expect(output.contains("error: PROTALENT_TRUSTED_PROXIES: 'nginx.local' is not an IP address or CIDR range"), "\(output)")
    }
}
