import EventLog
import Foundation
import Hummingbird
import ReadModels

/// `GET /console/audit` (the trail, filtered by stream, type, actor and time, paged, each event
/// with its payload, metadata, position and chain status) and `GET /console/audit/stream/{stream}`
/// (one stream's whole history, oldest first: its replay).
struct AuditPages: ConsolePages {
    let audit: AuditQueries
    let log: EventLog
    let payloads: ConsolePayload
    let verifier: ChainVerifier
    let commands: CommandExecutor

    /// Most events a timeline shows (the newest ones, oldest first).
    static let timelineLimit = 500

    func addRoutes(to routes: ConsoleRoutes) {
        routes.get("audit", .operations) { request, _, visit in try await trail(request, visit) }
        routes.get("audit/stream/{stream}", .operations) { _, context, visit in try await timeline(context, visit) }
    }

    func trail(_ request: Request, _ visit: ConsoleVisit) async throws -> Response {
        let w = visit.language
        let query = QueryParameters(request)
        let filter = AuditFilter(
            stream: try query.string("stream", maxLength: 200), type: try query.string("type", maxLength: 200),
            actor: try query.string("actor", maxLength: 200), from: try Self.time(query, "from"), to: try Self.time(query, "to")
        )
        if let from = filter.from, let to = filter.to, to <= from { throw APIError.invalid("to", w("la fin doit suivre le début", "to must be after from")) }
        let page = try audit.list(filter, page: try query.page())
        let chain = try await verifier.state(covering: page.items.first?.position ?? 0, now: commands.now())
        let rows = page.items.map { entry -> HTML in
            let event = try? log.read(from: entry.position, maxCount: 1).first
            return """
            <tr><td>\(entry.position)</td><td>\(entry.time)</td>\
            <td><a href="/console/audit/stream/\(component: entry.stream)">\(entry.stream)</a></td>\
            <td>\(entry.type)</td><td>\(entry.actor ?? "—")</td><td>\(chainLabel(chain.status(of: entry.position), w))</td>\
            <td><details><summary>\(w("Contenu", "Payload"))</summary>\(event.map { details($0, w) } ?? .empty)</details></td></tr>
            """
        }
        var next = HTML.empty
        if let cursor = page.nextCursor {
            var parameters = ["cursor": cursor]
            for (name, value) in [("stream", filter.stream), ("type", filter.type), ("actor", filter.actor)] { if let value { parameters[name] = value } }
            if let raw = try query.string("from", maxLength: 40) { parameters["from"] = raw }
            if let raw = try query.string("to", maxLength: 40) { parameters["to"] = raw }
            let link = parameters.keys.sorted().map { "\($0)=\(HTML.percentEncoded(parameters[$0]!))" }.joined(separator: "&")
            next = "<p class=\"pages\"><a href=\"/console/audit?\(link)\" rel=\"next\">\(w("Page suivante", "Next page")) →</a></p>"
        }
        let main: HTML = """
            \(chainSummary(chain, w))
            <form method="get" action="/console/audit" class="filters" role="search">
            <label>\(w("Flux", "Stream"))<input name="stream" value="\(filter.stream)"></label>
            <label>Type<input name="type" value="\(filter.type)"></label>
            <label>\(w("Auteur", "Actor"))<input name="actor" value="\(filter.actor)"></label>
            <label>\(w("Depuis (UTC)", "From (UTC)"))<input name="from" type="datetime-local" value="\(Self.inputValue(filter.from))"></label>
            <label>\(w("Jusqu'à (UTC)", "To (UTC)"))<input name="to" type="datetime-local" value="\(Self.inputValue(filter.to))"></label>
            <button type="submit">\(w("Filtrer", "Filter"))</button>
            </form>
            <div class="table"><table id="audit"><thead><tr><th>Position</th><th>\(w("Heure", "Time"))</th><th>\(w("Flux", "Stream"))</th><th>Type</th>\
            <th>\(w("Auteur", "Actor"))</th><th>\(w("Chaîne", "Chain"))</th><th>\(w("Détails", "Details"))</th></tr></thead>
            <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"7\">\(w("Aucun événement.", "No events."))</td></tr>"] : rows)</tbody></table></div>
            \(next)
            """
        return ConsoleResponse.html(ConsoleLayout.page(w("Journal d'audit", "Audit trail"), language: w, visit: visit, current: "/console/audit", main: main))
    }

    func timeline(_ context: AppRequestContext, _ visit: ConsoleVisit) async throws -> Response {
        let w = visit.language
        let stream = context.parameters.get("stream") ?? ""
        let version = log.version(of: stream)
        guard version > 0 else { throw APIError.notFound(w("aucun flux nommé \(stream.prefix(80))", "no stream named \(stream.prefix(80))")) }
        let events = try log.readStream(stream, from: max(1, version - Int64(Self.timelineLimit) + 1))
        let chain = try await verifier.state(covering: events.last?.position ?? 0, now: commands.now())
        let items = events.map { event -> HTML in
            """
            <li id="v\(event.streamVersion)"><h2>v\(event.streamVersion) · \(event.type)</h2>
            <p>\(Timestamp.format(event.timestamp)) · position \(event.position) · \(chainLabel(chain.status(of: event.position), w))</p>
            \(details(event, w))</li>
            """
        }
        let main: HTML = """
            <p><a href="/console/audit?stream=\(component: stream)">← \(w("Journal d'audit de ce flux", "Audit trail of this stream"))</a></p>
            \(chainSummary(chain, w))
            <p>\(version) \(w("événements", "events"))\(version > Int64(Self.timelineLimit) ? w(", les plus récents affichés", ", the newest shown") : "").</p>
            <ol class="timeline" id="timeline">\(items)</ol>
            """
        return ConsoleResponse.html(ConsoleLayout.page(
            w("Historique de ", "History of ") + stream, language: w, visit: visit, current: "/console/audit", main: main
        ))
    }

    /// Metadata and payload of one event.
    private func details(_ event: RecordedEvent, _ w: ConsoleLanguage) -> HTML {
        let metadata = event.metadata
        return """
            <dl><dt>\(w("Identifiant", "Event id"))</dt><dd>\(event.eventId.uuidString.lowercased())</dd>\
            <dt>\(w("Version du flux", "Stream version"))</dt><dd>\(event.streamVersion)</dd>\
            <dt>\(w("Auteur", "Actor"))</dt><dd>\(metadata.actor ?? "—")</dd>\
            <dt>\(w("Corrélation", "Correlation"))</dt><dd>\(metadata.correlationId?.uuidString.lowercased() ?? "—")</dd>\
            <dt>\(w("Cause", "Causation"))</dt><dd>\(metadata.causationId?.uuidString.lowercased() ?? "—")</dd></dl>
            \(payloads.render(event, language: w))
            """
    }

    private func chainLabel(_ status: String, _ w: ConsoleLanguage) -> HTML {
        switch status {
        case "verified": "<span class=\"ok\">\(w("vérifié", "verified"))</span>"
        case "broken": "<span class=\"bad\">\(w("rompu", "broken"))</span>"
        default: "<span>\(w("non vérifié", "unverified"))</span>"
        }
    }

    private func chainSummary(_ chain: ChainVerifier.State, _ w: ConsoleLanguage) -> HTML {
        chain.intact
            ? "<p class=\"ok\" id=\"chain\">\(w("Chaîne vérifiée jusqu'à la position", "Chain verified through position")) \(chain.verifiedThrough).</p>"
            : "<p class=\"bad\" id=\"chain\">\(w("Chaîne rompue à la position", "Chain broken at position")) \(chain.firstBadPosition ?? 0): \(chain.fault)</p>"
    }

    /// A time from `?name=`: ISO 8601, or what a `datetime-local` field sends (`2026-11-24T18:00`, read as UTC).
    static func time(_ query: QueryParameters, _ name: String) throws(APIError) -> Date? {
        guard let text = try query.string(name, maxLength: 40) else { return nil }
        if let date = Timestamp.parse(text) ?? Timestamp.parse(text + ":00Z") ?? Timestamp.parse(text + "Z") { return date }
        throw .badRequest("`\(name)` must be a time such as 2026-11-24T18:00:00Z", field: name)
    }

    /// A time as a `datetime-local` field shows it (UTC, to the minute).
    static func inputValue(_ date: Date?) -> String {
        guard let date else { return "" }
        return String(Timestamp.format(date).prefix(16))
    }
}
