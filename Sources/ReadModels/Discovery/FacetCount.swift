/// How many results of the current search carry one value of a facet: `{value, count}`.
public struct FacetCount: Codable, Sendable, Hashable {
    /// The value (a country code, a category, `true`/`false` for `online`…).
    public var value: String
    /// The number of results with it.
    public var count: Int

    /// A count.
    public init(value: String, count: Int) {
        self.value = value
        self.count = count
    }
}
