import Domain
import EventLog
import EventSourcing
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Runs the detectors that read the log and records what every detector raised.
///
/// Two loops: one follows the log from the head at start (account events: failed logins and codes,
/// replayed refresh tokens, 2FA turned off, role grants, erasures) into `AlertMonitor`; the other
/// takes each alert the monitor raised, appends it to `security-alerts` (on the primary: a replica's
/// own detectors only count), counts it in `protalent_security_alerts_total{kind}` and queues it for
/// the webhook.
struct AlertService: Service {
    let monitor: AlertMonitor
    let store: EventStore
    let commands: CommandExecutor
    let node: ReplicationNode
    let webhook: AlertWebhook?
    let logger: Logger
    /// Where the detectors start reading: the head when the service was made, before the server
    /// accepts a request, so no command answered meanwhile escapes them (read at `run()`, an event
    /// appended before the service task started was missed).
    let start: Int64

    func run() async throws {
        // Networks earlier alerts named are known already.
        if let earlier = try? commands.load(SecurityAlerts.self, stream: StreamName.securityAlerts) {
            for alert in earlier.recent { monitor.learn(alert) }
        }
        let alerts = monitor.subscribe()
        // Every kind served at 0 from the start: the dashboard's panel and a rate() see a series
        // before the first alert, and `/metrics` names every kind it may count.
        for kind in SecurityAlerts.Kind.allCases {
            _ = Counter(label: "protalent_security_alerts_total", dimensions: [("kind", kind.rawValue)])
        }
        // Both loops end with the task at shutdown (a cancelled log subscription or stream ends).
        try await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await follow(from: start) }
                group.addTask { await record(alerts) }
                try await group.waitForAll()
            }
        }
    }

    private func follow(from start: Int64) async {
        do {
            for try await record in store.log.subscribe(from: start) {
                if Task.isCancelled { return }
                guard record.stream.hasPrefix("account-"), record.type.hasPrefix("identity.") else { continue }
                guard let event = try? store.codec.decode(Identity.Account.Event.self, from: record) else { continue }
                monitor.accountEvent(event)
            }
        } catch {
            // The log closed or the task was cancelled: the server is stopping.
            if !Task.isCancelled { logger.error("the alert detectors stopped reading the log", metadata: ["error": "\(error)"]) }
        }
    }

    private func record(_ alerts: AsyncStream<SecurityAlerts.Alert>) async {
        for await alert in alerts {
            Counter(label: "protalent_security_alerts_total", dimensions: [("kind", alert.kind.rawValue)]).increment()
            logger.warning("security alert", metadata: ["kind": "\(alert.kind.rawValue)", "detail": "\(alert.detail)"])
            guard node.standing == .primary else { continue }
            do {
                _ = try await commands.execute(.raise(alert), on: SecurityAlerts.self, stream: StreamName.securityAlerts, by: .system)
                try webhook?.enqueue(alert)
            } catch {
                logger.error("a security alert could not be recorded", metadata: ["kind": "\(alert.kind.rawValue)", "error": "\(error)"])
            }
        }
    }
}
