public import Domain
public import Foundation
import GRDB
public import Projections

/// Search, recommendations, insights and chat over the platform's own data: the Swift API the
/// HTTP layer calls for `/users/search`, `?q=` lists, `/ai/recommendations/*`, `/ai/insights` and
/// `/ai/chat`.
///
/// Reads two read models: `search` (`projections/search.sql`, FTS5) and `matching`
/// (`projections/matching.sql`, the facts scoring reads). Time is always a parameter.
public struct Discovery: Sendable {
    /// Full-text search.
    public let searcher: SearchQueries
    /// The `matching` read model.
    public let matching: SQLiteProjectionStorage

    /// Discovery over the live models of `projections/search.sql` and `projections/matching.sql`.
    public init(search: SQLiteProjectionStorage, matching: SQLiteProjectionStorage) {
        searcher = SearchQueries(storage: search)
        self.matching = matching
    }

    /// One page of search results (see `SearchQueries.search`).
    public func search(_ request: SearchRequest, viewer: SearchViewer, now: Date) throws -> SearchResults {
        try searcher.search(request, viewer: viewer, now: now)
    }

    /// Scholarships for `userID`, best first: only open ones whose deadline has not passed and
    /// whose level, field and country restrictions the profile meets. Reasons are in the user's
    /// language: `preferences.language`, else `language` (the request's `Accept-Language`), else English.
    /// - Throws: `DiscoveryError.unknownUser` when there is no such (non-erased) profile.
    public func scholarships(for userID: UUID, now: Date, limit: Int = 10, language: PreferredLanguage? = nil) throws -> Recommendations {
        let (profile, candidates) = try matching.read { db in
            let profile = try Self.require(db, userID)
            return (profile, try ScholarshipCandidate.eligibleRows(db, for: profile, now: now))
        }
        let mentions = try searcher.mentions(of: Phrases(profile.phrases).texts, kind: .scholarship)
        let items = ScholarshipRecommender.recommend(candidates, for: profile, mentions: mentions, now: now, limit: limit,
                                                     language: profile.language(accepting: language))
        return Recommendations(items: items, limit: limit)
    }

    /// Mentors for `userID`, best first: verified, with availability, never the user. Reasons in
    /// the user's language (as `scholarships(for:now:limit:language:)`).
    /// - Throws: `DiscoveryError.unknownUser` when there is no such (non-erased) profile.
    public func mentors(for userID: UUID, now: Date, limit: Int = 10, language: PreferredLanguage? = nil) throws -> Recommendations {
        let (profile, candidates) = try matching.read { db in
            let profile = try Self.require(db, userID)
            return (profile, try MentorCandidate.bookable(db, excluding: profile.id, now: now))
        }
        let mentions = try searcher.mentions(of: Phrases(profile.phrases).texts, kind: .mentor, titles: false, anyWord: true)
        let items = MentorRecommender.recommend(candidates, for: profile, mentions: mentions, now: now, limit: limit,
                                                language: profile.language(accepting: language))
        return Recommendations(items: items, limit: limit)
    }

    /// Career paths of `CareerCatalog` for `userID`, best first, each with next steps: mentors,
    /// communities and upcoming events in that direction, and eligible scholarships that mention it.
    /// Reasons are in the user's language (as `scholarships(for:now:limit:language:)`); titles too,
    /// French when neither the profile nor the request says.
    /// - Throws: `DiscoveryError.unknownUser` when there is no such (non-erased) profile.
    public func careers(for userID: UUID, now: Date, limit: Int = 5, language: PreferredLanguage? = nil) throws -> Recommendations {
        let profile = try matching.read { db in try Self.require(db, userID) }
        var items: [Recommendation] = []
        let titleFrench = (profile.preferredLanguage.flatMap(PreferredLanguage.init(rawValue:)) ?? language ?? .fr) == .fr
        // A path's mentors, communities and events depend on the search model alone, not on who
        // asks: kept per generation of the model, and per minute (upcoming events are those of
        // the minute's start).
        let minute = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60)
        let generation = try searcher.generation()
        for ranked in CareerRecommender.rank(CareerCatalog.paths, for: profile, language: profile.language(accepting: language)).prefix(max(limit, 0)) {
            var steps = try Self.careerSteps.value("\(ranked.path.id) \(minute.timeIntervalSince1970)", at: generation) {
                try nextSteps(toward: ranked.path, now: minute)
            }
            // Scholarships: the two soonest deadlines the person is eligible for among those that mention the path.
            let mentioning = try searcher.mentions(of: ranked.path.keywords, kind: .scholarship)
            steps += try matching.read { db in
                try ScholarshipCandidate.earliestEligible(db, for: profile, now: now, among: Array(mentioning.keys), limit: 2)
            }.map { ItemReference(id: $0.id, kind: "scholarship", title: $0.title) }
            items.append(Recommendation(id: ranked.path.id, kind: "career", title: ranked.path.title(french: titleFrench),
                                        score: ranked.score, reasons: ranked.reasons, nextSteps: steps))
        }
        return Recommendations(items: items, limit: limit)
    }

    /// The next steps of `careers`, by path and minute, per generation of the search model.
    private static let careerSteps = GenerationCache<String, [ItemReference]>(limit: 1_000)

    /// Any signed-in member: what next steps show does not depend on who asks (a person's own
    /// private profile, visible only to them, is no step toward a career for them either).
    private static let anyMember = SearchViewer(userID: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))

    /// Two mentors, two communities and two upcoming events in the direction of `path`, as any member sees them.
    private func nextSteps(toward path: CareerPath, now: Date) throws -> [ItemReference] {
        let words = path.keywords.joined(separator: " ")
        var steps: [ItemReference] = []
        for (kind, open) in [(SearchKind.mentor, nil), (.community, nil), (.event, true)] as [(SearchKind, Bool?)] {
            let request = SearchRequest(text: words, kinds: [kind], filters: SearchFilters(open: open),
                                        page: PageRequest(limit: 2), facets: false, matchAnyWord: true)
            steps += try search(request, viewer: Self.anyMember, now: now).page.items.map { ItemReference(id: $0.id, kind: $0.kind.rawValue, title: $0.title) }
        }
        return steps
    }

    /// Where `userID` stands: profile completeness, sessions, community activity, fitting
    /// deadlines and suggestions (in the user's language, as `scholarships(for:now:limit:language:)`).
    /// - Throws: `DiscoveryError.unknownUser` when there is no such (non-erased) profile.
    public func insights(for userID: UUID, now: Date, language: PreferredLanguage? = nil) throws -> Insights {
        try matching.read { db in
            let profile = try Self.require(db, userID)
            return try InsightsBuilder.build(db, profile: profile, now: now, language: profile.language(accepting: language))
        }
    }

    /// Answers a chat message from the platform's data, citing the items used; in the user's
    /// language (`preferences.language`, else `language` from `Accept-Language`, else the message's own).
    public func answer(message: String, for viewer: SearchViewer, now: Date, language: PreferredLanguage? = nil) throws -> ChatAnswer {
        try ChatAssistant(discovery: self).answer(message, for: viewer, now: now, language: language)
    }

    /// The profile of `userID`, `nil` when unknown or erased.
    func profile(_ userID: UUID) throws -> StudentProfile? {
        try matching.read { db in try StudentProfile.load(db, id: userID) }
    }

    private static func require(_ db: Database, _ userID: UUID) throws -> StudentProfile {
        guard let profile = try StudentProfile.load(db, id: userID) else { throw DiscoveryError.unknownUser(userID.uuidString.lowercased()) }
        return profile
    }
}
