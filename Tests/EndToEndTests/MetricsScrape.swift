import Foundation

/// A node's `/metrics` (Prometheus text format), scraped once.
struct MetricsScrape {
    /// The exposition text.
    let text: String

    /// Scrapes `node` with `token` (an admin's, or the scrape token).
    init(_ node: ServerProcess, token: String) async throws {
        let response = try await node.client.send("GET", "/metrics", token: token)
        guard response.status == 200 else { throw ServerFailure(description: "GET /metrics: \(response)") }
        text = response.text
    }

    /// The value of the sample `name` whose labels include `labels` (`nil` when there is none).
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            let series = line[..<space]
            let sampleName = series.prefix { $0 != "{" }
            guard sampleName == name else { continue }
            if labels.allSatisfy({ series.contains("\($0.key)=\"\($0.value)\"") }) { return Double(line[line.index(after: space)...]) }
        }
        return nil
    }
}
