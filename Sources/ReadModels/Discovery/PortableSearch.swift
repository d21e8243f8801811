public import Foundation

/// A search as another engine needs it to run the same query on the same documents
/// (`scripts/load/search-peers`): the FTS5 expression `SearchText` writes (bilingual equivalents
/// included), the kinds, and the filters with their values as `SearchPlan` binds them.
public struct PortableSearch: Codable, Sendable {
    /// A tag filter: the document has `facet` with one of `values` (or '*', no restriction).
    public struct Tag: Codable, Sendable {
        /// The facet: country, field, level, role, category, type, language.
        public var facet: String
        /// The accepted values, the field's other-language names included.
        public var values: [String]
    }

    /// The FTS5 expression over title and body; `nil` for a filtered list.
    public var expression: String?
    /// The kinds searched; empty for every kind.
    public var kinds: [String]
    /// The tag filters.
    public var tags: [Tag]
    /// Earliest date, inclusive, as stored.
    public var from: String?
    /// Latest date, exclusive, as stored.
    public var to: String?
    /// Open or closed events and scholarships.
    public var open: Bool?
    /// Online or in-person events.
    public var online: Bool?
    /// Hits on a page.
    public var limit: Int

    /// The portable form of `request`.
    public init(_ request: SearchRequest) {
        expression = SearchText(request.text, matchingAny: request.matchAnyWord).expression
        kinds = request.kinds.map(\.rawValue).sorted()
        tags = request.filters.tags.map { Tag(facet: $0.facet, values: SearchFilters.values(of: $0)) }
        from = request.filters.from.map(Timestamp.stored)
        to = request.filters.to.map(Timestamp.stored)
        open = request.filters.open
        online = request.filters.online
        limit = request.page.limit
    }

    /// `date` as the search model stores dates, to compare with them.
    public static func stored(_ date: Date) -> String { Timestamp.stored(date) }
}
