public import Foundation
import Archive
import Metrics
import Synchronization

/// How far the archive is behind: what `GET /admin/archive`, `/metrics` and `protalent stats`
/// show. The archiver updates it after each pass (and each failure); it also writes it to
/// `<data>/archive-status.json` for `protalent stats`, which runs in another process.
public final class ArchiveMonitor: Sendable {
    /// One reading.
    public struct Status: Codable, Sendable, Equatable {
        /// Where the archive goes (`s3://bucket/prefix`).
        public var location: String
        /// The last position the archive's manifest holds.
        public var archivedPosition: Int64
        /// The log's head when measured.
        public var head: Int64
        /// `head - archivedPosition`.
        public var lagEvents: Int64
        /// How long ago the oldest event not yet archived was committed (0 when none).
        public var lagSeconds: Double
        /// The last failure, cleared by the next successful pass.
        public var lastError: String?
        /// When the last pass succeeded, in microseconds since 1970 (0 before the first).
        public var lastSuccessMicros: Int64
    }

    private let state: Mutex<Status>
    private let statusFile: URL

    /// A monitor for the archive `settings` describe, writing its file into `dataDirectory`.
    public init(settings: ArchiveSettings, dataDirectory: URL) {
        state = Mutex(Status(location: settings.location.description, archivedPosition: 0, head: 0, lagEvents: 0, lagSeconds: 0, lastError: nil, lastSuccessMicros: 0))
        statusFile = dataDirectory.appendingPathComponent(Self.fileName)
    }

    /// The status file's name in the data directory.
    public static let fileName = "archive-status.json"

    /// The latest reading.
    public var status: Status { state.withLock { $0 } }

    /// Records a reading (and publishes it as gauges and to the status file).
    func record(archivedPosition: Int64, head: Int64, lagSeconds: Double, error: String?, nowMicros: Int64) {
        let status = state.withLock { status -> Status in
            status.archivedPosition = archivedPosition
            status.head = head
            status.lagEvents = max(0, head - archivedPosition)
            status.lagSeconds = lagSeconds
            status.lastError = error
            if error == nil { status.lastSuccessMicros = nowMicros }
            return status
        }
        Gauge(label: "protalent_archive_position").record(status.archivedPosition)
        Gauge(label: "protalent_archive_lag_events").record(status.lagEvents)
        Gauge(label: "protalent_archive_lag_seconds").record(status.lagSeconds)
        Gauge(label: "protalent_archive_failing").record(error == nil ? 0 : 1)
        if let data = try? JSONEncoder().encode(status) { try? data.write(to: statusFile, options: .atomic) }
    }

    /// The status a server last wrote into `dataDirectory`, `nil` when it never archived.
    public static func lastWritten(dataDirectory: URL) -> Status? {
        guard let data = FileManager.default.contents(atPath: dataDirectory.appendingPathComponent(fileName).path) else { return nil }
        return try? JSONDecoder().decode(Status.self, from: data)
    }
}
