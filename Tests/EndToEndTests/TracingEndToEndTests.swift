import Foundation
import Testing
import TestSupport

/// Traces end to end: the real binary with `OTEL_EXPORTER_OTLP_ENDPOINT` pointed at an OTLP/HTTP
/// receiver on loopback. One command sent with a W3C `traceparent` arrives as a tree under the
/// client's span — the route's server span, its `decide <Context>` span, and the `log.append` span
/// under that, with the group commit's wait and the fsync as events — and the answer carries the
/// trace. Its events carry the append span's context in the log, so each projection that applies
/// them does so in a `projection.apply <name>` span linked to it, on the primary and on a replica. A
/// read is a route span with `query <model>.<query>` children. Without the variable, no `traceparent`
/// is answered.
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
        try checkAppendEvents(append)
        // No span of the trace holds the request's secrets.
        for span in spans {
            #expect(!"\(span.attributes)".contains(testPassword))
        }

        // The events carry the append span's context, and the projections link back to it.
        let stored = try await server.replay().filter {
            ($0["metadata"] as? [String: Any])?["traceparent"] as? String == "00-\(traceID)-\(append.spanID)-01"
        }
        #expect(!stored.isEmpty, "no event of the command carries its trace context")
        try await checkProjectionLinks(to: append, service: "protalent", receiver)

        // A read: the route's span, with the read-model queries it made as children.
        let account = try await server.signUp(uniqueEmail("reader"))
        let readTrace = "5cf92f3577b34da6a3ce929d0e0e4737"
        let read = try await server.client.send(
            "GET", "/users/profile", headers: ["traceparent": "00-\(readTrace)-\(clientSpan)-01"], token: account.accessToken
        )
        #expect(read.status == 200, "\(read)")
        let readSpans = try await receiver.wait { spans in
            spans.contains { $0.traceID == readTrace && $0.name == "GET /users/profile" } && spans.contains { $0.traceID == readTrace && $0.name.hasPrefix("query ") }
        }.filter { $0.traceID == readTrace }
        let route = try #require(readSpans.first { $0.name == "GET /users/profile" })
        let queries = readSpans.filter { $0.name.hasPrefix("query ") }
        #expect(queries.allSatisfy { $0.parentSpanID == route.spanID }, "\(queries.map { ($0.name, $0.parentSpanID) }) under \(route.spanID)")
        #expect(queries.contains { $0.name.hasPrefix("query users.") && $0.attributes["protalent.read_model"] == "users" }, "\(queries.map(\.name))")
        #expect(queries.allSatisfy { !$0.name.contains("(") }, "\(queries.map(\.name))")
    }

    /// `log.write` (the writer took the append: its group commit's wait ends), `log.fsync.start`,
    /// `log.fsync.end`, then `durable`, in that order and within the span.
    private func checkAppendEvents(_ append: OTLPReceiver.Span) throws {
        let names = ["log.write", "log.fsync.start", "log.fsync.end", "durable"]
        let times = try names.map { name in
            let index = try #require(append.events.firstIndex(of: name), "no \(name) event in \(append.events)")
            return append.eventTimes[index]
        }
        #expect(times == times.sorted(), "\(zip(names, times).map { "\($0) \($1)" })")
        #expect(append.start <= times[0] && times[3] <= append.end, "events outside the span \(append.start)...\(append.end): \(times)")
    }

    /// A `projection.apply <name>` span of `service`, in a trace of its own, linked to the append
    /// span, over a batch that holds the append's positions.
    private func checkProjectionLinks(to append: OTLPReceiver.Span, service: String, _ receiver: OTLPReceiver) async throws {
        let applied = try await receiver.wait { spans in
            spans.contains { span in
                span.service == service && span.name.hasPrefix("projection.apply ") && span.links.contains { $0.traceID == append.traceID }
            }
        }.filter { span in
            span.service == service && span.name.hasPrefix("projection.apply ") && span.links.contains { $0.traceID == append.traceID }
        }
        let first = try #require(Int64(append.attributes["protalent.log.first_position"] ?? ""))
        let last = try #require(Int64(append.attributes["protalent.log.last_position"] ?? ""))
        for span in applied {
            #expect(span.traceID != append.traceID, "\(span.name) is inside the command's trace instead of linked to it")
            #expect(span.links.contains { $0.traceID == append.traceID && $0.spanID == append.spanID }, "\(span.name) links to \(span.links)")
            let name = String(span.name.dropFirst("projection.apply ".count))
            #expect(span.attributes["protalent.projection"] == name)
            let batchFirst = Int64(span.attributes["protalent.log.first_position"] ?? "") ?? .max
            let batchLast = Int64(span.attributes["protalent.log.last_position"] ?? "") ?? .min
            #expect(batchFirst <= last && first <= batchLast, "\(span.name) applied \(batchFirst)...\(batchLast), the command wrote \(first)...\(last)")
            #expect(Int(span.attributes["protalent.projection.traced_events"] ?? "") ?? 0 >= 1, "\(span.attributes)")
        }
        #expect(applied.contains { $0.name == "projection.apply users" }, "\(applied.map(\.name))")
    }

    @Test(.timeLimit(.minutes(10)))
    func aReplicaAppliesATracedCommandsEventsInSpansLinkedToTheCommand() async throws {
        try #require(OTLPReceiver.python.isInstalled, "the observability venv is missing: run scripts/setup (scripts/observe-tools)")
        let directory = try TemporaryDirectory("protalent-e2e-traced-replica")
        defer { directory.remove() }
        let receiver = OTLPReceiver(directory: directory.path)
        try await receiver.start()
        defer { receiver.stop() }
        let cluster = try ClusterSecrets(in: directory.path)
        func tracing(_ service: String) -> [String: String] {
            ["OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint, "OTEL_SERVICE_NAME": service]
        }
        let primary = cluster.primary(in: directory.path, environment: tracing("protalent-primary"))
        try await stopping([primary]) {
            try await primary.start()
            let replica = cluster.replica(in: directory.path, "replica", following: primary.port, environment: tracing("protalent-replica"))
            try await stopping([replica]) {
                try await replica.start()
                let traceID = "6df92f3577b34da6a3ce929d0e0e4738"
                let body: [String: Any] = [
                    "email": uniqueEmail("replicated"), "password": testPassword, "firstName": "Moussa", "lastName": "Fall", "role": "student",
                ]
                let registered = try await primary.client.send(
                    "POST", "/auth/register", json: body, headers: ["traceparent": "00-\(traceID)-00f067aa0ba902b7-01"]
                )
                #expect(registered.status == 201, "\(registered)")
                let append = try #require(try await receiver.wait { spans in
                    spans.contains { $0.traceID == traceID && $0.name == "log.append" }
                }.first { $0.traceID == traceID && $0.name == "log.append" })
                #expect(append.service == "protalent-primary")
                try await checkProjectionLinks(to: append, service: "protalent-primary", receiver)
                try await checkProjectionLinks(to: append, service: "protalent-replica", receiver)
            }
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
