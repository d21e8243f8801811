public import Projections

extension ProjectionSet {
    /// Search, recommendations, insights and chat over the `search` and `matching` read models.
    public var discovery: Discovery {
        get throws { Discovery(search: try readModel("search"), matching: try readModel("matching")) }
    }
}
