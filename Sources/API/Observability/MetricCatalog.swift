/// Every metric `/metrics` serves, with its Prometheus name and help text.
///
/// swift-metrics has no place for help text and names Hummingbird's metrics with dots; Prometheus
/// wants a `# HELP` line per metric, counters ending in `_total` and durations in `_seconds`
/// (`promtool check metrics`, run on the served text by the test suite). Names are settled here
/// once, so dashboards and alert rules (deploy/) can rely on them.
enum MetricCatalog {
    /// swift-metrics labels renamed for Prometheus (Hummingbird's, and durations without a unit).
    static let renamed: [String: String] = [
        "hb.requests": "hb_requests_total",
        "hb.request.errors": "hb_request_errors_total",
        "http.server.request.duration": "http_server_request_duration_seconds",
        "http.server.active_requests": "http_server_active_requests",
        "protalent_command_append_duration": "protalent_command_append_duration_seconds",
    ]

    /// The Prometheus name and labels of a swift-metrics label and dimensions: renamed, and dots in
    /// label names made underscores (Prometheus allows neither dots in names nor in label names).
    @Sendable static func prometheusName(_ label: String, _ dimensions: [(String, String)]) -> (String, [(String, String)]) {
        let name = renamed[label] ?? label.replacingDots()
        return (name, dimensions.map { ($0.0.replacingDots(), $0.1) })
    }

    /// The help text of each served metric, by Prometheus name.
    static let help: [String: String] = [
        "hb_requests_total": "HTTP requests answered, by route template, method and status.",
        "protalent_security_alerts_total": "Security alerts raised by the detectors, by kind (docs/operations.md, \"Security alerts\").",
        "hb_request_errors_total": "HTTP requests answered with an error thrown by a handler, by route, method and status.",
        "http_server_request_duration_seconds": "Time to answer an HTTP request, by route template, method and status.",
        "http_server_active_requests": "HTTP requests being answered now, by method.",
        "protalent_command_append_duration_seconds": "Time a command took to load, decide and append durably (fsync included).",
        "protalent_events_appended_total": "Events appended to the log by commands.",
        "protalent_log_fsync_total": "fsyncs of the log's writer (appends, replicated batches, segment rolls).",
        "protalent_log_fsync_seconds_total": "Total time spent in the log writer's fsyncs.",
        "protalent_log_head_position": "Position of the log's last durable event.",
        "protalent_log_bytes": "Bytes of the log's segment files.",
        "protalent_log_torn_tail_cut_bytes": "Bytes of a torn tail this process's open cut off (0 when none).",
        "protalent_log_torn_tail_cut_events": "Events of a torn tail this process's open cut off (0 when none).",
        "protalent_log_torn_tail_cut_first_position": "First position of a torn tail this process's open cut off (0 when none).",
        "protalent_log_scrub_fault": "1 when the last background re-verification of the log found damage.",
        "protalent_log_scrub_last_run_timestamp_seconds": "When the background re-verification of the log last ran (Unix time).",
        "protalent_data_filesystem_size_bytes": "Size of the filesystem holding the data directory.",
        "protalent_data_filesystem_free_bytes": "Free bytes (for an unprivileged user) of the filesystem holding the data directory.",
        "protalent_projection_lag_events": "Events the projection has yet to apply, by projection.",
        "protalent_replication_is_replica": "1 on a replica, 0 on a primary.",
        "protalent_replication_epoch": "The node's epoch (raised by each promotion).",
        "protalent_replication_confirmed_position": "On a primary: the last position each replica confirmed durable.",
        "protalent_replication_lag_events": "On a primary: events each replica has yet to confirm.",
        "protalent_replication_lag_seconds": "On a primary: age of the oldest event each replica has yet to confirm.",
        "protalent_replication_replica_connected": "On a primary: 1 while each replica streams.",
        "protalent_replication_primary_connected": "On a replica: 1 while it streams from its primary.",
        "protalent_replication_primary_head_position": "On a replica: the primary's head as last seen.",
        "protalent_replication_behind_primary_events": "On a replica: events between its head and the primary's.",
        "protalent_archive_position": "Last position shipped to the archive.",
        "protalent_archive_lag_events": "Events not yet in the archive.",
        "protalent_archive_lag_seconds": "Age of the oldest event not yet in the archive.",
        "protalent_archive_failing": "1 while uploads to the archive fail.",
    ]

    /// The exposition text with a `# HELP` line before each `# TYPE` line of a catalogued metric.
    static func withHelp(_ text: [UInt8]) -> [UInt8] {
        let typePrefix = Array("# TYPE ".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.count + help.count * 80)
        for line in text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if line.starts(with: typePrefix) {
                let rest = line.dropFirst(typePrefix.count)
                let name = String(decoding: rest.prefix { $0 != UInt8(ascii: " ") }, as: UTF8.self)
                if let text = help[name] {
                    out.append(contentsOf: "# HELP \(name) \(text)\n".utf8)
                }
            }
            out.append(contentsOf: line)
            out.append(UInt8(ascii: "\n"))
        }
        // `split` saw the text's final newline as an empty last line.
        if text.last == UInt8(ascii: "\n") { out.removeLast() }
        return out
    }
}

extension String {
    fileprivate func replacingDots() -> String {
        String(map { $0 == "." ? "_" : $0 })
    }
}
