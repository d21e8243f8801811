import AsyncHTTPClient
import Domain
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// `PROTALENT_ALERT_WEBHOOK`: each alert POSTed as JSON to an operator's URL.
///
/// Alerts are recorded in a durable queue (`<data>/queues/alert-webhook/`) and sent by a worker,
/// tried again with growing delays while the receiver fails or is down, and after a restart: a
/// request never waits for the receiver.
struct AlertWebhook: Sendable {
    let url: String
    let queue: DurableQueue<SecurityAlerts.Alert>

    init(url: String, directory: URL) throws {
        self.url = url
        self.queue = try DurableQueue(directory: directory)
    }

    /// Records `alert` for sending.
    func enqueue(_ alert: SecurityAlerts.Alert) throws {
        try queue.enqueue(alert)
    }

    /// The worker sending the queue; a non-2xx answer or no answer keeps the alert for a retry.
    func worker(logger: Logger) -> QueueWorker<SecurityAlerts.Alert> {
        let url = self.url
        return QueueWorker("alert-webhook", queue: queue, logger: logger) { alert in
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "ProTalent-alerts")
            request.body = .bytes(ByteBuffer(bytes: try AlertView.encoder.encode(AlertView(alert))))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 64 * 1024)
            guard (200..<300).contains(Int(response.status.code)) else {
                throw AlertDeliveryFailure(status: Int(response.status.code))
            }
        }
    }
}

/// The webhook receiver answered outside 2xx.
struct AlertDeliveryFailure: Error, CustomStringConvertible {
    var status: Int
    var description: String { "the alert webhook answered \(status)" }
}

/// An alert as `GET /admin/alerts` and the webhook show it.
struct AlertView: Codable, Sendable {
    var id: String
    var kind: String
    var userId: String?
    var source: String?
    var count: Int
    var detail: String
    var at: Date

    init(_ alert: SecurityAlerts.Alert) {
        id = alert.alertId.uuidString.lowercased()
        kind = alert.kind.rawValue
        userId = alert.userId?.uuidString.lowercased()
        source = alert.source
        count = alert.count
        detail = alert.detail
        at = alert.at
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}
