import Foundation
import Testing

/// Security review (issue 19), finding 14: a request whose body framing is malformed is the
/// client's mistake (400), never a 500, and leaves the server answering.
@Suite(.serialized) struct RequestFramingTests {
    /// A malformed framing: head lines after the request line, and the bytes after the head.
    struct Framing: Sendable {
        var label: String
        var headers: String
        var body: String

        /// The raw request for `target` (`POST /auth/login`).
        func request(_ target: String) -> Data {
            Data("\(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n\(headers)\r\n\r\n\(body)".utf8)
        }
    }

    /// Wrong in the head: refused before any route runs — the first by `RequestFramingMiddleware`
    /// (problem+json), the others by NIO's decoder before routing (Hummingbird's bare 400).
    static let inTheHead = [
        Framing(label: "an unknown transfer coding", headers: "Transfer-Encoding: xchunked", body: "5\r\nhello\r\n0\r\n\r\n"),
        Framing(label: "chunked not last", headers: "Transfer-Encoding: chunked, identity", body: "5\r\nhello\r\n0\r\n\r\n"),
        Framing(label: "chunked then another coding", headers: "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip", body: "5\r\nhello\r\n0\r\n\r\n"),
        Framing(label: "Content-Length and Transfer-Encoding", headers: "Content-Length: 5\r\nTransfer-Encoding: chunked", body: "5\r\nhello\r\n0\r\n\r\n"),
        Framing(label: "two different Content-Lengths", headers: "Content-Length: 2\r\nContent-Length: 5", body: "hello"),
        Framing(label: "a negative Content-Length", headers: "Content-Length: -1", body: "hello"),
    ]

    /// Wrong in the chunked body: met when a route reads it.
    static let inTheBody = [
        Framing(label: "a chunk size that is not hex", headers: "Transfer-Encoding: chunked", body: "zz\r\nhello\r\n0\r\n\r\n"),
        Framing(label: "a chunk size that overflows", headers: "Transfer-Encoding: chunked", body: "fffffffffffffffffff\r\nhello\r\n0\r\n\r\n"),
        Framing(label: "a chunk longer than announced", headers: "Transfer-Encoding: chunked", body: "2\r\nhello\r\n0\r\n\r\n"),
    ]

    @Test func malformedBodyFramingIsA400NeverA500AndTheServerKeepsAnswering() async throws {
        try await withServer { server in
            // What reaches the router is answered as a problem: the unknown coding (refused before
            // the handler) and the broken chunks (met as the handler reads them).
            let reachesTheRouter = [Self.inTheHead[0].label] + Self.inTheBody.map(\.label)
            for framing in Self.inTheHead + Self.inTheBody {
                let response = try await server.client.exchange(framing.request("POST /auth/login"))
                #expect(response.status == 400, "a body-reading route, \(framing.label): \(response)")
                if reachesTheRouter.contains(framing.label) {
                    #expect(response.isProblem, "\(framing.label): \(response)")
                }
            }
            for target in ["GET /health", "POST /events"] {
                for framing in Self.inTheHead {
                    let response = try await server.client.exchange(framing.request(target))
                    #expect(response.status == 400, "\(target), \(framing.label): \(response)")
                }
                // A route that answers without reading the body (a health check, a refusal to an
                // anonymous caller) never meets the broken chunks: its own answer, never a 5xx.
                for framing in Self.inTheBody {
                    let response = try await server.client.exchange(framing.request(target))
                    #expect(response.status < 500, "\(target), \(framing.label): \(response)")
                }
            }
            #expect(try await server.client.send("GET", "/health").status == 200)
            #expect(try await server.client.send("POST", "/auth/login", json: ["email": "a@example.org", "password": "x"]).status == 401)
        }
    }
}
