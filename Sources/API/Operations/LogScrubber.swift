import EventLog
import Foundation
public import Logging
import Metrics

/// The background scrub of `protalent serve --scrub-interval`: re-reads and re-hashes the whole log
/// (`LogVerifier`, what `protalent verify` runs) every interval, on a thread of its own at low
/// priority, because start-up checks sealed segments only against their verification records.
///
/// A fault is logged at critical level and shows in `/metrics` as `protalent_log_scrub_fault` = 1;
/// `protalent_log_scrub_last_run_timestamp_seconds` tells when the last pass finished.
public enum LogScrubber {
    public static func start(directory: String, every interval: Double, logger: Logger) {
        // No fault found yet: the series exists from the start, so an alert on it is never silent
        // (the registry first: this runs before the application is built).
        _ = PlatformMetrics.registry
        Gauge(label: "protalent_log_scrub_fault").record(0)
        let thread = Thread {
            while true {
                Thread.sleep(forTimeInterval: interval)
                scrub(directory: directory, logger: logger)
            }
        }
        thread.name = "protalent-log-scrub"
        thread.qualityOfService = .background
        thread.start()
    }

    public static func scrub(directory: String, logger: Logger) {
        let started = Date()
        do {
            let report = try LogVerifier.verify(directory: directory)
            Gauge(label: "protalent_log_scrub_last_run_timestamp_seconds").record(Date().timeIntervalSince1970)
            if let fault = report.fault {
                Gauge(label: "protalent_log_scrub_fault").record(1)
                logger.critical("log scrub found corruption: \(fault)")
            } else {
                Gauge(label: "protalent_log_scrub_fault").record(0)
                logger.info("log scrub: intact", metadata: [
                    "events": "\(report.events)", "segments": "\(report.segments)",
                    "seconds": "\(Date().timeIntervalSince(started))",
                ])
            }
        } catch {
            logger.error("log scrub could not read the log: \(error)")
        }
    }
}
