import Foundation
import Testing
import TestSupport

/// Security review, finding 4: a connection that never finishes its headers, or sits idle, is
/// closed by the server instead of being held for ever (1,500 such sockets stayed open past 75 s).
@Suite struct ConnectionLimitTests {
    @Test func headersThatNeverFinishAreCutOffByTheIdleTimeout() async throws {
        try await withServer(arguments: ["--idle-timeout", "1"]) { server in
            let port = server.port
            let outcome = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(received: Int, error: Int32), any Error>) in
                DispatchQueue.global().async {
                    continuation.resume(with: Result { try Self.sendAndAwaitClose("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ", port: port) })
                }
            }
            // 0 is the server's close (EOF); -1 would be our own 20 s guard running out.
            #expect(outcome.received == 0, "recv returned \(outcome.received), errno \(outcome.error)")
            #expect(try await server.client.send("GET", "/health").status == 200, "the server still answers")
        }
    }

    /// Sends `text` on a fresh loopback connection and reads until the peer closes it (or 20 s pass).
    static func sendAndAwaitClose(_ text: String, port: Int) throws -> (received: Int, error: Int32) {
        // Reads and writes give up after 20 s: our guard, told apart from the server's close by recv's result.
        let socket = try HTTPClient.connect(port: port, timeoutSeconds: 20)
        defer { close(socket) }
        _ = Array(text.utf8).withUnsafeBytes { Foundation.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { return (count, errno) }
        }
    }
}
