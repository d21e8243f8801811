public import Foundation
import GRDB
public import Projections

/// Searches the `search` read model (`projections/search.sql`): FTS5 with bm25 ranking, filters,
/// facets, visibility and keyset pages.
public struct SearchQueries: Sendable {
    /// The model searched.
    public let storage: SQLiteProjectionStorage

    /// Searches over `storage`, the live model of `projections/search.sql`.
    public init(storage: SQLiteProjectionStorage) {
        self.storage = storage
    }

    /// One page of results for `request` as `viewer` may see them; `now` decides what is open.
    ///
    /// Any text is accepted (see `SearchText`); an empty text with filters is a filtered list.
    /// - Throws: `DiscoveryError.invalidCursor` for a cursor of another search,
    ///   `ReadModelError.notBuilt` before the first build.
    public func search(_ request: SearchRequest, viewer: SearchViewer, now: Date) throws -> SearchResults {
        let plan = SearchPlan(request, viewer: viewer, now: now)
        let combined = request.facets && plan.match != nil
        let page = combined ? try plan.pageAndFacetQuery() : try plan.pageQuery()
        let facets = request.facets && !combined ? plan.facetQuery() : nil
        let limit = request.page.limit
        return try storage.read { db in
            var entries: [(hit: SearchHit, cursor: PageCursor)] = []
            var counts: [String: [FacetCount]] = [:]
            func count(_ row: Row) {
                counts[row["facet"] as String, default: []].append(FacetCount(value: row["value"], count: row["n"]))
            }
            // Prepared once per connection and shape of search (the text and values are arguments).
            for row in try Row.fetchAll(db.cachedStatement(sql: page.sql), arguments: page.arguments) {
                if combined, row["part"] as Int == 1 { count(row); continue }
                if let entry = Self.entry(row) { entries.append(entry) }
            }
            if let facets { for row in try Row.fetchAll(db.cachedStatement(sql: facets.sql), arguments: facets.arguments) { count(row) } }
            var total: Int?
            if request.facets {
                for key in counts.keys { counts[key]?.sort { ($0.count, $1.value) > ($1.count, $0.value) } }
                total = counts["kind"]?.reduce(0) { $0 + $1.count } ?? 0
            }
            // Fetched with LIMIT limit + 1: the extra row only says another page exists (as `PageRequest.page`).
            let items = entries.prefix(limit).map(\.hit)
            let next = entries.count > limit ? entries[limit - 1].cursor.encoded : nil
            return SearchResults(page: Page(items: items, nextCursor: next), total: total, facets: counts)
        }
    }

    /// A page row as a hit and the cursor after it.
    private static func entry(_ row: Row) -> (hit: SearchHit, cursor: PageCursor)? {
        guard let kind = SearchKind(rawValue: row["kind"]) else { return nil }
        let date: String? = row["date"]
        let hit = SearchHit(id: row["ref"], kind: kind, title: row["title"], summary: row["summary"], date: date.map(Timestamp.contract))
        let rank: DatabaseValue = row["rank"]
        let key: String = switch rank.storage {
        case .double(let value): "\(value)"
        case .int64(let value): "\(value)"
        case .string(let value): value
        default: ""
        }
        return (hit, PageCursor(key: key, id: String(row["doc"] as Int64)))
    }

    /// For each phrase, the documents of `kind` whose text holds every word of it as a six-letter
    /// prefix (the stems of `TextTerms`) — or any word, with `anyWord` —, or does so for one of its
    /// other-language versions (`BilingualTerms.equivalents`), by item id: how
    /// recommendations find what mentions a profile's goals and interests without stemming every
    /// candidate. The body only, unless `titles`. Phrases without words match nothing.
    func mentions(of phrases: [String], kind: SearchKind, titles: Bool = true, anyWord: Bool = false) throws -> [String: [String]] {
        var built: [(phrase: String, match: String)] = []
        for phrase in phrases {
            // The phrase as written or in the other language ("santé publique" or "public health").
            let variants = ([phrase] + BilingualTerms.equivalents(of: phrase)).compactMap { variant -> String? in
                let words = TextTerms.words(variant)
                guard !words.isEmpty else { return nil }
                return "(" + words.prefix(SearchText.maximumTerms).map { "\"\($0.prefix(TextTerms.stemLength))\"*" }
                    .joined(separator: anyWord ? " OR " : " AND ") + ")"
            }
            guard !variants.isEmpty else { continue }
            built.append((phrase, "kind : \"\(kind.rawValue)\" AND \(titles ? "{title body}" : "body") : (\(variants.joined(separator: " OR ")))"))
        }
        guard !built.isEmpty else { return [:] }
        let generation = try generation()
        var found: [String: [String]] = [:]
        for query in built {
            // The documents of one phrase depend on the model alone: kept until it moves.
            let refs = try Self.mentioning.value(query.match, at: generation) {
                try storage.read { db in try String.fetchAll(db.cachedStatement(sql: Self.mentionSQL), arguments: [query.match]) }
            }
            for ref in refs { found[ref, default: []].append(query.phrase) }
        }
        return found
    }

    private static let mentionSQL = "SELECT d.ref FROM search JOIN docs d ON d.doc = search.rowid WHERE search MATCH ?"

    /// The item ids each `mentions` expression matches, per generation of the model.
    private static let mentioning = GenerationCache<String, [String]>()

    /// Where the model stands — its file, version and checkpoint position — to key what depends
    /// on its contents alone (`GenerationCache`). Read before the answer it keys.
    func generation() throws -> String {
        let file = storage.liveFile ?? ""
        let state = try storage.read { db in try SQLiteProjectionStorage.fetchState(db) }
        return "\(storage.directory.path)/\(file)@\(state?.version ?? ""):\(state?.position ?? -1)"
    }
}
