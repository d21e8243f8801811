/// A search: free text (any user input), the kinds wanted, filters and the page.
public struct SearchRequest: Sendable, Hashable {
    /// What the user typed; never reaches FTS5 as syntax (see `SearchText`). Empty: a filtered list.
    public var text: String
    /// The kinds to return; empty means every kind.
    public var kinds: Set<SearchKind>
    /// Filters combined with the text.
    public var filters: SearchFilters
    /// Page size and cursor.
    public var page: PageRequest
    /// Whether to count facets over the whole result (one more query).
    public var facets: Bool
    /// Whether a result needs any word of `text` rather than all (the chat and next steps use it).
    public var matchAnyWord: Bool

    /// A search request.
    public init(text: String = "", kinds: Set<SearchKind> = [], filters: SearchFilters = SearchFilters(),
                page: PageRequest = PageRequest(), facets: Bool = true, matchAnyWord: Bool = false) {
        self.text = text
        self.kinds = kinds
        self.filters = filters
        self.page = page
        self.facets = facets
        self.matchAnyWord = matchAnyWord
    }
}
