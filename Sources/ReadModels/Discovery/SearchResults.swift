/// A page of search results with the facet counts and size of the whole result:
/// `{items, nextCursor, total, facets: {country: [{value, count}], …}}`.
public struct SearchResults: Sendable, Encodable {
    /// The page (items and cursor), in rank order (bm25) or, without text, the list's order.
    public var page: Page<SearchHit>
    /// Results in all pages; `nil` when facets were not asked for.
    public var total: Int?
    /// Per facet (`country`, `field`, `level`, `role`, `category`, `type`, `language`, `online`, `kind`),
    /// its values in the whole result, most frequent first.
    public var facets: [String: [FacetCount]]

    /// Results.
    public init(page: Page<SearchHit>, total: Int?, facets: [String: [FacetCount]]) {
        self.page = page
        self.total = total
        self.facets = facets
    }

    private enum CodingKeys: String, CodingKey { case items, nextCursor, total, facets }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(page.items, forKey: .items)
        try container.encode(page.nextCursor, forKey: .nextCursor)
        try container.encodeIfPresent(total, forKey: .total)
        try container.encode(facets, forKey: .facets)
    }
}
