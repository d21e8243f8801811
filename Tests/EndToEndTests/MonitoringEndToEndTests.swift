import Foundation
import Testing
import TestSupport

/// What Prometheus and Grafana are given matches what a live cluster serves: a primary archiving to
/// an S3-compatible store (moto) with a replica following it, after a short journey. Its `/metrics`
/// passes `promtool check metrics`, and every metric the dashboard and the alert rules name is one
/// these nodes export.
@Suite(.serialized) struct MonitoringEndToEndTests {
    @Test(.timeLimit(.minutes(10)))
    func theServedMetricsPassPromtoolAndTheDashboardAndAlertsNameOnlyServedMetrics() async throws {
        try #require(ExternalTool.promtool.isInstalled, "promtool missing: run scripts/setup (Debian's prometheus package)")
        try #require(MotoServer.available, "moto missing: run scripts/setup (it installs moto[server] under .build/test-tools)")
        let directory = try TemporaryDirectory("protalent-e2e-monitoring")
        defer { directory.remove() }
        let moto = MotoServer(directory: directory.path)
        try await moto.start()
        defer { moto.stop() }
        let secrets = try ClusterSecrets(in: directory.path)
        let token = "scrape-\(UUID().uuidString)"
        let scraping = ["PROTALENT_METRICS_TOKEN": token]
        let primary = secrets.primary(
            in: directory.path, arguments: ["--archive", "s3://\(moto.bucket)/monitoring", "--archive-interval", "200ms", "--scrub-interval", "24"],
            environment: moto.environment.merging(scraping) { $1 }
        )
        let replica = secrets.replica(in: directory.path, "replica", following: 0, environment: scraping)
        try await stopping([replica, primary]) {
            try await primary.start()
            replica.arguments = ["--replica-of", "http://127.0.0.1:\(primary.port)", "--replication-secret-file", secrets.secretFile]
            try await replica.start()
            try await checkServedMetrics(primary: primary, replica: replica, token: token)
        }
    }

    private func checkServedMetrics(primary: ServerProcess, replica: ServerProcess, token: String) async throws {

        // A journey: sign-up, a profile, a refused login, an unknown route; then both nodes current.
        let account = try await primary.signUp(uniqueEmail("monitored"))
        let put = try await primary.client.send("PUT", "/users/profile", json: ["bio": "watched"], token: account.accessToken)
        let position = try #require(put.logPosition, "\(put)")
        #expect(try await primary.login(account.email, password: "wrong password entirely").status == 401)
        #expect(try await primary.client.send("GET", "/no/such/route").status == 404)
        #expect(try await replica.read("/users/profile", token: account.accessToken, after: position).status == 200)
        #expect(try await primary.read("/users/profile", token: account.accessToken, after: position).status == 200)

        var served: Set<String> = []
        for node in [primary, replica] {
            let scrape = try await MetricsScrape(node, token: token)
            let lint = try await ExternalTool.promtool.run(["check", "metrics"], input: scrape.text)
            #expect(lint.status == 0, "promtool check metrics on \(node.dataDirectory): \(lint.output)")
            served.formUnion(Self.sampleNames(scrape.text))
        }
        for expected in ["protalent_replication_lag_seconds", "protalent_archive_lag_seconds", "protalent_log_fsync_total", "hb_requests_total"] {
            #expect(served.contains(expected), "\(expected) is not served: \(served.sorted())")
        }

        let dashboard = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: ExternalTool.repository + "/deploy/grafana/protalent.json"))
        )
        let panelExpressions = Self.expressions(in: dashboard)
        #expect(panelExpressions.count >= 20)
        var dashboardNames: Set<String> = []
        for expression in panelExpressions {
            for name in PromQLNames.metrics(in: expression) {
                dashboardNames.insert(name)
                #expect(served.contains(name), "the dashboard names \(name), which no node serves: \(expression)")
            }
        }
        // The scanner finds the names (a scanner finding none would pass the loop above vacuously).
        #expect(dashboardNames.count >= 15, "\(dashboardNames.sorted())")
        let rules = try String(contentsOfFile: ExternalTool.repository + "/deploy/prometheus/alerts.yml", encoding: .utf8)
        let ruleExpressions = PromQLNames.alertExpressions(in: rules)
        #expect(ruleExpressions.count >= 9)
        for expression in ruleExpressions {
            // `up` is Prometheus's own series for each target.
            for name in PromQLNames.metrics(in: expression) where name != "up" {
                #expect(served.contains(name), "an alert names \(name), which no node serves: \(expression)")
            }
        }
    }

    /// The names of the samples of an exposition text.
    static func sampleNames(_ text: String) -> Set<String> {
        Set(text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            String(line.prefix { $0 != "{" && $0 != " " })
        })
    }

    /// Every `expr` string of a Grafana dashboard, panels and rows included.
    static func expressions(in json: Any) -> [String] {
        if let object = json as? [String: Any] {
            var found: [String] = []
            for (key, value) in object {
                if key == "expr", let text = value as? String { found.append(text) } else { found += expressions(in: value) }
            }
            return found
        }
        if let array = json as? [Any] { return array.flatMap(expressions(in:)) }
        return []
    }
}
