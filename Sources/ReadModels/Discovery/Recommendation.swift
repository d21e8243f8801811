/// One recommended item: `{id, kind, title, score, reasons, nextSteps?}` (contract: `POST /ai/recommendations/*`).
public struct Recommendation: Codable, Sendable, Hashable {
    /// The item's id (lowercase UUID; a catalog id for careers).
    public var id: String
    /// `scholarship`, `mentor` or `career`.
    public var kind: String
    /// Its title (a mentor's name, a career's title in the user's language).
    public var title: String
    /// How well it fits, in [0, 1]; items are sorted by it, highest first.
    public var score: Double
    /// Why, in words a user reads (see `docs/recommendations.md`).
    public var reasons: [String]
    /// Careers only: what the platform offers in that direction (mentors, communities, events, scholarships).
    public var nextSteps: [ItemReference]?

    /// A recommendation; `score` is clamped to [0, 1] and rounded to three decimals.
    public init(id: String, kind: String, title: String, score: Double, reasons: [String], nextSteps: [ItemReference]? = nil) {
        self.id = id
        self.kind = kind
        self.title = title
        self.score = (min(max(score, 0), 1) * 1_000).rounded() / 1_000
        self.reasons = reasons
        self.nextSteps = nextSteps
    }
}

extension Recommendation {
    /// The `limit` best of `items` in the order `Recommendations` lists them (score rounded as
    /// returned, then title, then id), so a recommender writes reasons for those only.
    static func best<T>(_ items: [T], limit: Int, score: (T) -> Double, title: (T) -> String, id: (T) -> String) -> [T] {
        func key(_ item: T) -> Double { (min(max(score(item), 0), 1) * 1_000).rounded() }
        return Array(items.sorted { (key($0), title($1), id($1)) > (key($1), title($0), id($0)) }.prefix(max(limit, 0)))
    }
}

/// The answer of a recommendation request: `{items: [...]}`, best first.
public struct Recommendations: Codable, Sendable, Hashable {
    /// The items, by decreasing score.
    public var items: [Recommendation]

    /// A list; sorted here by score (then title) so every recommender orders alike.
    public init(items: [Recommendation], limit: Int) {
        self.items = Array(items.sorted { ($0.score, $1.title, $1.id) > ($1.score, $0.title, $0.id) }.prefix(max(limit, 0)))
    }
}
