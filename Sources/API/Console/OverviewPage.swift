import Domain
import EventLog
import Foundation
import Hummingbird
import Projections

/// `GET /console/`: the log's head and size, events per minute, the chain's state, projection lag,
/// replication and archive state when this node has them, and the latest security alerts.
struct OverviewPage: ConsolePages {
    let log: EventLog
    let projections: ProjectionSet
    let replication: ReplicationNode
    let archive: ArchiveMonitor?
    let verifier: ChainVerifier
    let commands: CommandExecutor

    /// How many of the latest security alerts the overview lists (all of them: `GET /admin/alerts`).
    static let alertsShown = 10

    /// How far back "events per minute" looks.
    static let window: TimeInterval = 10 * 60

    func addRoutes(to routes: ConsoleRoutes) {}

    /// The page (served by `ConsoleController.entry` at `/console`).
    func render(_ visit: ConsoleVisit) async throws -> Response {
        let w = visit.language
        let now = commands.now()
        let head = log.head
        let statistics = log.statistics()
        let statuses = projections.status()
        let maxLag = statuses.map(\.lag).max() ?? 0
        let failed = statuses.filter { $0.state == .failed }.map(\.name)
        let chain = try? await verifier.state(covering: head, now: now)
        var cards: [HTML] = [
            card(w("Tête du journal", "Log head"), "\(head)"),
            card(w("Événements par minute", "Events per minute"), String(format: "%.1f", eventsPerMinute(now: now, head: head))),
            card(w("Flux", "Streams"), "\(statistics.streams)"),
            card(w("Segments", "Segments"), "\(statistics.segments)"),
            card(w("Compression", "Compression"), String(format: "%.1f×", statistics.compressionRatio)),
            card(w("Retard max. des projections", "Max projection lag"), "\(maxLag)"),
        ]
        if !failed.isEmpty { cards.append(card(w("Projections en échec", "Failed projections"), failed.joined(separator: ", "))) }
        let status = replication.status(now: now)
        var sections: [HTML] = []
        let chainText: HTML = switch chain {
        case .some(let state) where state.intact:
            "<p class=\"ok\">\(w("Chaîne intacte jusqu'à la position", "Chain intact through position")) \(state.verifiedThrough) (\(Timestamp.format(state.checkedAt)))</p>"
        case .some(let state):
            "<p class=\"bad\">\(w("Chaîne rompue à la position", "Chain broken at position")) \(state.firstBadPosition ?? 0): \(state.fault)</p>"
        case .none:
            "<p class=\"bad\">\(w("Vérification impossible", "Verification failed"))</p>"
        }
        sections.append("<h2>\(w("Chaîne de hachage", "Hash chain"))</h2>\(chainText)")
        let replicas = status.replicas.map { replica -> HTML in
            "<tr><td>\(replica.id)</td><td>\(replica.url)</td><td>\(replica.connected ? w("connecté", "connected") : w("déconnecté", "disconnected"))</td><td>\(replica.confirmedPosition)</td><td>\(replica.lagEvents)</td></tr>"
        }
        sections.append("""
            <h2>\(w("Réplication", "Replication"))</h2>
            <p>\(w("Rôle", "Role")) : <strong>\(status.role.rawValue)</strong>, \(w("époque", "epoch")) \(status.epoch)\(status.fenced ? " — " + w("isolé", "fenced") : "")</p>
            \(replicas.isEmpty ? "<p>\(w("Aucun réplica.", "No replicas."))</p>" as HTML : """
            <div class="table"><table><thead><tr><th>\(w("Nœud", "Node"))</th><th>URL</th><th>\(w("État", "State"))</th><th>\(w("Confirmé", "Confirmed"))</th><th>\(w("Retard", "Lag"))</th></tr></thead><tbody>\(replicas)</tbody></table></div>
            """)
            """)
        if let archive {
            let archived = archive.status
            sections.append("""
                <h2>\(w("Archive", "Archive"))</h2>
                <p>\(archived.location) — \(w("archivé jusqu'à", "archived through")) \(archived.archivedPosition), \(w("retard", "lag")) \(archived.lagEvents) \(w("événements", "events"))\(archived.lastError.map { " — " + $0 })</p>
                """)
        }
        let alerts = (try? commands.load(SecurityAlerts.self, stream: StreamName.securityAlerts).recent.suffix(Self.alertsShown).reversed()) ?? []
        if !alerts.isEmpty {
            let rows = alerts.map { alert -> HTML in
                "<tr><td>\(Timestamp.format(alert.at))</td><td>\(alert.kind.rawValue)</td><td>\(alert.detail)</td><td>\(alert.source ?? "")</td></tr>"
            }
            sections.append("""
                <h2>\(w("Alertes de sécurité récentes", "Recent security alerts"))</h2>
                <div class="table"><table><thead><tr><th>\(w("Quand", "When"))</th><th>\(w("Type", "Kind"))</th><th>\(w("Détail", "Detail"))</th><th>\(w("Source", "Source"))</th></tr></thead><tbody>\(rows)</tbody></table></div>
                """)
        }
        let page = ConsoleLayout.page(w("Vue d'ensemble", "Overview"), language: w, visit: visit, current: "/console/", main: """
            <div class="cards">\(cards)</div>
            \(sections)
            """)
        return ConsoleResponse.html(page)
    }

    private func card(_ label: String, _ value: String) -> HTML {
        "<div class=\"card\">\(label)<strong>\(value)</strong></div>"
    }

    /// Events appended over the last `window`, per minute (reads at most the last 5,000 events).
    func eventsPerMinute(now: Date, head: Int64) -> Double {
        let since = Int64((now.timeIntervalSince1970 - Self.window) * 1_000_000)
        guard head > 0, let recent = try? log.read(from: max(1, head - 4_999), maxCount: 5_000, caching: false) else { return 0 }
        return Double(recent.filter { $0.timestampMicros >= since }.count) / (Self.window / 60)
    }
}
