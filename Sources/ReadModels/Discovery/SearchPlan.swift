import Foundation
import GRDB

/// The SQL of one search: an FTS5 match (when there is text), the filter and visibility
/// conditions on `docs`, and their named arguments. Every user value is a bound argument; the
/// only text spliced into SQL is built from enums and the sanitised `SearchText` expression.
struct SearchPlan {
    /// bm25 weights of the `search` columns kind, title, body: the title outweighs the body, the kind never scores.
    static let bm25 = "bm25(search, 0.0, 10.0, 1.0)"

    let match: String?
    private(set) var conditions: [String] = []
    private(set) var arguments: [String: (any DatabaseValueConvertible)?] = [:]
    let limit: Int
    let cursor: PageCursor?

    init(_ request: SearchRequest, viewer: SearchViewer, now: Date) {
        limit = request.page.limit
        cursor = request.page.cursor
        let kinds = request.kinds.map(\.rawValue).sorted()
        let quotedKinds = kinds.map { "'\($0)'" }.joined(separator: ", ")
        if let expression = SearchText(request.text, matchingAny: request.matchAnyWord).expression {
            var match = "{title body} : (\(expression))"
            if !kinds.isEmpty, kinds.count < SearchKind.allCases.count {
                match = "kind : (" + kinds.map { "\"\($0)\"" }.joined(separator: " OR ") + ") AND " + match
            }
            self.match = match
            arguments["match"] = match
        } else {
            match = nil
        }
        if !kinds.isEmpty { conditions.append("d.kind IN (\(quotedKinds))") }

        let filters = request.filters
        for (index, tag) in filters.tags.enumerated() {
            let values = SearchFilters.values(of: tag)
            let names = values.indices.map { ":value\(index)_\($0)" }
            conditions.append("d.doc IN (SELECT doc FROM tags WHERE facet = :facet\(index) AND value IN (\(names.joined(separator: ", ")), '*'))")
            arguments["facet\(index)"] = tag.facet
            for (position, value) in values.enumerated() { arguments["value\(index)_\(position)"] = value }
        }
        if let from = filters.from {
            conditions.append("d.date >= :from")
            arguments["from"] = Timestamp.stored(from)
        }
        if let to = filters.to {
            conditions.append("d.date < :to")
            arguments["to"] = Timestamp.stored(to)
        }
        if let open = filters.open {
            arguments["now"] = Timestamp.stored(now)
            conditions.append(open
                ? "(d.kind NOT IN ('event', 'scholarship') OR (d.closed = 0 AND d.date >= :now))"
                : "(d.kind IN ('event', 'scholarship') AND (d.closed = 1 OR d.date < :now))")
        }
        if let online = filters.online {
            conditions.append("d.online = :online")
            arguments["online"] = online
        }

        // Visibility: admins see every document (erased ones are gone from the model).
        guard !viewer.isAdmin else { return }
        // Staff accounts are not listed to others: who holds the keys is not public.
        conditions.append("(d.kind <> 'person' OR d.doc NOT IN (SELECT doc FROM tags WHERE facet = 'role' AND value = 'admin'))")
        conditions.append("(d.kind <> 'mentor' OR d.doc IN (SELECT doc FROM tags WHERE facet = 'verified' AND value = 'true'))")
        if let user = viewer.userID {
            arguments["viewer"] = user.uuidString.lowercased()
            conditions.append("(d.kind NOT IN ('person', 'mentor') OR d.visibility IN ('public', 'members') OR d.owner = :viewer)")
            conditions.append("(d.kind <> 'post' OR d.private = 0 OR EXISTS (SELECT 1 FROM members m WHERE m.community_id = d.community AND m.user_id = :viewer))")
        } else {
            conditions.append("(d.kind NOT IN ('person', 'mentor') OR d.visibility = 'public')")
            conditions.append("(d.kind <> 'post' OR d.private = 0)")
        }
    }

    private var hits: String {
        "hits AS MATERIALIZED (SELECT rowid AS doc, \(Self.bm25) AS rank FROM search WHERE search MATCH :match)"
    }

    private var source: String { match == nil ? "docs d" : "hits h JOIN docs d ON d.doc = h.doc" }

    private func whereClause(_ extra: [String] = []) -> String {
        let all = conditions + extra
        return all.isEmpty ? "" : "WHERE " + all.joined(separator: " AND ")
    }

    /// The keyset condition after the cursor, and its arguments.
    private func cursorCondition(key: String, doc column: String, into arguments: inout [String: (any DatabaseValueConvertible)?]) throws -> [String] {
        guard let cursor else { return [] }
        guard let doc = Int64(cursor.id) else { throw DiscoveryError.invalidCursor }
        if match == nil {
            arguments["cursorKey"] = cursor.key
        } else {
            guard let rank = Double(cursor.key) else { throw DiscoveryError.invalidCursor }
            arguments["cursorKey"] = rank
        }
        arguments["cursorDoc"] = doc
        return ["(\(key) > :cursorKey OR (\(key) = :cursorKey AND \(column) > :cursorDoc))"]
    }

    /// The page query: `limit + 1` rows after the cursor, in rank (or list) order. Columns: doc,
    /// kind, ref, title, summary, date, rank.
    func pageQuery() throws -> (sql: String, arguments: StatementArguments) {
        var arguments = self.arguments
        arguments["limit"] = limit + 1
        let key = match == nil ? "d.sort_key" : "h.rank"
        let extra = try cursorCondition(key: key, doc: "d.doc", into: &arguments)
        let sql = (match == nil ? "" : "WITH \(hits) ") + """
            SELECT d.doc, d.kind, d.ref, d.title, d.summary, d.date, \(key) AS rank FROM \(source)
            \(whereClause(extra)) ORDER BY \(key), d.doc LIMIT :limit
            """
        return (sql, StatementArguments(arguments))
    }

    /// Facet counts over `matched` (doc, kind, online): per (facet, value); `kind` counts sum to the total.
    /// CROSS JOIN keeps `matched` outside: otherwise the planner may walk all of `tags` in
    /// (facet, value) order for the GROUP BY and probe `matched` for each row.
    private static let facetCounts = """
        SELECT t.facet, t.value, count(*) AS n FROM matched m CROSS JOIN tags t ON t.doc = m.doc
        WHERE t.value <> '*' AND t.facet <> 'verified' GROUP BY t.facet, t.value
        UNION ALL SELECT 'online', CASE online WHEN 1 THEN 'true' ELSE 'false' END, count(*) FROM matched
        WHERE online IS NOT NULL GROUP BY online
        UNION ALL SELECT 'kind', kind, count(*) FROM matched GROUP BY kind
        """

    /// The facet query of a list: columns facet, value, n.
    func facetQuery() -> (sql: String, arguments: StatementArguments) {
        let sql = "WITH " + (match == nil ? "" : hits + ", ") + """
            matched AS MATERIALIZED (SELECT d.doc, d.kind, d.online FROM \(source) \(whereClause()))
            \(Self.facetCounts)
            """
        return (sql, StatementArguments(arguments))
    }

    /// Page and facets of a text search in one statement, so the FTS5 match and the filters run
    /// once: rows with `part` 0 are the page (as `pageQuery`), rows with `part` 1 the facet counts.
    func pageAndFacetQuery() throws -> (sql: String, arguments: StatementArguments) {
        var arguments = self.arguments
        arguments["limit"] = limit + 1
        let after = try cursorCondition(key: "rank", doc: "doc", into: &arguments)
        let sql = "WITH \(hits), " + """
            matched AS MATERIALIZED (
                SELECT d.doc, d.kind, d.ref, d.title, d.summary, d.date, d.online, h.rank AS rank FROM \(source) \(whereClause()))
            SELECT 0 AS part, doc, kind, ref, title, summary, date, rank, NULL AS facet, NULL AS value, NULL AS n
            FROM (SELECT * FROM matched \(after.isEmpty ? "" : "WHERE " + after[0]) ORDER BY rank, doc LIMIT :limit)
            UNION ALL SELECT 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, facet, value, n FROM (\(Self.facetCounts))
            """
        return (sql, StatementArguments(arguments))
    }
}
