public import Foundation
import GRDB

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
        let page = try plan.pageQuery()
        let facets = request.facets ? plan.facetQuery() : nil
        let pageRequest = request.page
        return try storage.read { db in
            let rows = try Row.fetchAll(db, sql: page.sql, arguments: page.arguments)
            let entries = rows.compactMap { row -> (hit: SearchHit, cursor: PageCursor)? in
                guard let kind = SearchKind(rawValue: row["kind"]) else { return nil }
                let date: String? = row["date"]
                let hit = SearchHit(id: row["ref"], kind: kind, title: row["title"], summary: row["summary"], date: date.map(DiscoveryDates.contract))
                let rank: DatabaseValue = row["rank"]
                let key: String = switch rank.storage {
                case .double(let value): "\(value)"
                case .int64(let value): "\(value)"
                case .string(let value): value
                default: ""
                }
                return (hit, PageCursor(key: key, id: String(row["doc"] as Int64)))
            }
            // Fetched with LIMIT limit + 1: the extra row only says another page exists (as `PageRequest.page`).
            let items = entries.prefix(pageRequest.limit).map(\.hit)
            let next = entries.count > pageRequest.limit ? entries[pageRequest.limit - 1].cursor.encoded : nil
            var counts: [String: [FacetCount]] = [:]
            var total: Int?
            if let facets {
                for row in try Row.fetchAll(db, sql: facets.sql, arguments: facets.arguments) {
                    counts[row["facet"] as String, default: []].append(FacetCount(value: row["value"], count: row["n"]))
                }
                for key in counts.keys {
                    counts[key]?.sort { ($0.count, $1.value) > ($1.count, $0.value) }
                }
                total = counts["kind"]?.reduce(0) { $0 + $1.count } ?? 0
            }
            return SearchResults(page: Page(items: items, nextCursor: next), total: total, facets: counts)
        }
    }
}
