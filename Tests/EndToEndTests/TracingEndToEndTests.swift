import Foundation
import Testing
import TestSupport

/// Traces end to end: the real binary with `OTEL_EXPORTER_OTLP_ENDPOINT` pointed at an OTLP/HTTP
/// receiver on loopback. One command sent with a W3C `traceparent` arrives as a tree under the
/// client's span — the route's server span, its `decide <Context>` span, and the `log.append` span
/// under that — and the answer carries the trace. Without the variable, no `traceparent` is answered.
@Suite(.serialized) struct TracingEndToEndTests {
    @Test(.timeLimit(.minutes(5)))
    func aCommandArrivesAsOneSpanTreeUnderTheClientsTraceparent() async throws {
        try #require(OTLPReceiver.python.isInstalled, "the observability venv is missing: run scripts/setup (scripts/observe-tools)")
        let directory = try TemporaryDirectory("protalent-e2e-tracing")
        defer { directory.remove() }
        let receiver = OTLPReceiver(directory: directory.path)
        try await receiver.start()
        defer { receiver.stop() }
        let server = ServerProcess(dataDirectory: directory.path + "/data", environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint])
        try await stopping([server]) {
            try await server.start()
            try await checkTree(server, receiver)
        }
    }

    private func checkTree(_ server: ServerProcess, _ receiver: OTLPReceiver) async throws {
        let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
        let clientSpan = "00f067aa0ba902b7"
        let body: [String: Any] = [
            "email": uniqueEmail("traced"), "password": testPassword, "firstName": "Awa", "lastName": "Diop", "role": "student",
        ]
        let registered = try await server.client.send(
            "POST", "/auth/register", json: body, headers: ["traceparent": "00-\(traceID)-\(clientSpan)-01"]
        )
        #expect(registered.status == 201, "\(registered)")
        let answered = try #require(registered.headers["traceparent"], "no traceparent answered: \(registered.headers)")
        let parts = answered.split(separator: "-").map(String.init)
        try #require(parts.count == 4, "\(answered)")
        #expect(parts[1] == traceID, "the answer is not in the client's trace: \(answered)")
        #expect(parts[2] != clientSpan)

        let spans = try await receiver.wait { spans in
            spans.contains { $0.traceID == traceID && $0.name == "log.append" } && spans.contains { $0.traceID == traceID && $0.name == "POST /auth/register" }
        }.filter { $0.traceID == traceID }
        let request = try #require(spans.first { $0.name == "POST /auth/register" }, "\(spans.map(\.name))")
        #expect(request.parentSpanID == clientSpan, "the route's span is not the client's child")
        #expect(request.spanID == parts[2], "the answer names another span than the route's")
        #expect(request.attributes["http.route"] == "/auth/register")
        #expect(request.attributes["http.response.status_code"] == "201")
        let decide = try #require(spans.first { $0.name.hasPrefix("decide ") && $0.parentSpanID == request.spanID }, "\(spans.map(\.name))")
        #expect(decide.name.contains("Identity"), "\(decide.name)")
        let append = try #require(spans.first { $0.name == "log.append" && $0.parentSpanID == decide.spanID }, "\(spans.map(\.name))")
        #expect(Int(append.attributes["protalent.log.last_position"] ?? "") ?? 0 >= 1, "\(append.attributes)")
        #expect(append.events.contains("durable"))
        // No span of the trace holds the request's secrets.
        for span in spans {
            #expect(!"\(span.attributes)".contains(testPassword))
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func withTracingOffNoTraceparentIsAnswered() async throws {
        let directory = try TemporaryDirectory("protalent-e2e-untraced")
        defer { directory.remove() }
        let server = ServerProcess(dataDirectory: directory.path + "/data")
        try await stopping([server]) {
            try await server.start()
            try await checkUntraced(server)
        }
    }

    private func checkUntraced(_ server: ServerProcess) async throws {
        let health = try await server.client.send(
            "GET", "/health", headers: ["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"]
        )
        #expect(health.status == 200)
        #expect(health.headers["traceparent"] == nil, "\(health.headers)")
    }
}
