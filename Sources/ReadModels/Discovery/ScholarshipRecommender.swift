import Domain
import Foundation

/// Scores eligible scholarships for a profile (weights: `docs/recommendations.md`; the shape of a
/// score: `Topicality`).
enum ScholarshipRecommender {
    /// Within the generic part: deadline proximity (sooner is more urgent, within `horizonDays`).
    static let deadlineShare = 0.35
    /// Within the generic part: the amount, on a log scale up to `fullAmount`.
    static let amountShare = 0.35
    /// Within the generic part: the scholarship's soft preferences the profile meets.
    static let preferencesShare = 0.30
    /// A scholarship that charges a fee keeps this share of its generic part.
    static let feeFactor = 0.85
    static let horizonDays = 180.0
    static let fullAmount = 50_000.0

    /// What scoring found about one scholarship, kept to write the reasons of the best only.
    private struct Scored {
        var scholarship: ScholarshipCandidate
        var score: Double
        var matched: [String]
        var met: [String]
        var days: Double
        var close: ISCEDField?
        var languages: [String]
        var region: Audience.Region?
    }

    /// The best `limit` eligible scholarships of `candidates`, scored, with reasons in `language`.
    /// `mentions` lists, per scholarship id, the profile phrases its text holds (`SearchQueries.mentions`).
    static func recommend(_ candidates: [ScholarshipCandidate], for profile: StudentProfile, mentions: [String: [String]],
                          now: Date, limit: Int, language: PreferredLanguage = .en) -> [Recommendation] {
        let profileStems = profile.stems
        let profileCodes = Topicality.codes(of: profile)
        let spoken = profile.spoken
        let stems = StemCache()
        let scored = candidates.compactMap { scholarship -> Scored? in
            // Hard requirements, checked again here: an ineligible scholarship never gets a score.
            guard ScholarshipEligibility.violation(of: scholarship, for: profile, now: now, stems: stems) == nil else { return nil }
            // What does not depend on the student is computed once per scholarship, not per request.
            let features = ScholarshipFeatures.of(scholarship)
            guard let deadline = features.deadline else { return nil }
            let matched = Array((mentions[scholarship.id] ?? []).prefix(5))
            let (closeness, close) = Topicality.closest(profileCodes, features.codes)
            let topical = Topicality.topical(closeness: closeness, mentions: matched.count)

            let languages = features.languages.filter(spoken.contains).sorted()
            let region = Audience.region(among: features.regions, holding: profile.country)
            let targets = (scholarship.levels.isEmpty ? 0 : 1) + (scholarship.countries.isEmpty ? 0 : 1)
                + (languages.isEmpty ? 0 : 1) + (region == nil ? 0 : 1)

            let met = zip(scholarship.preferences, features.preferenceStems).filter { !$0.1.isEmpty && $0.1.isSubset(of: profileStems) }.map(\.0)
            let preferences = scholarship.preferences.isEmpty ? 0.5 : Double(met.count) / Double(scholarship.preferences.count)
            let days = max(0, deadline.timeIntervalSince(now) / 86_400)
            let proximity = 1 - min(days, horizonDays) / horizonDays
            let amount = features.amount.map { min(1, log10(1 + $0) / log10(1 + fullAmount)) } ?? 0
            var generic = deadlineShare * proximity + amountShare * amount + preferencesShare * preferences
            if scholarship.applicationFee != nil { generic *= feeFactor }
            let score = Topicality.score(topical: topical, targeting: Topicality.targeting(targets), generic: generic)
            return Scored(scholarship: scholarship, score: score, matched: matched, met: met, days: days,
                          close: closeness > 0 ? close : nil, languages: languages, region: region)
        }
        let say = Phrasebook(language: language)
        // Reasons only for what is returned: building text for thousands of candidates costs more than scoring them.
        return Recommendation.best(scored, limit: limit, score: \.score, title: \.scholarship.title, id: \.scholarship.id).map { found in
            let scholarship = found.scholarship
            var reasons: [String] = []
            if let level = profile.level, !scholarship.levels.isEmpty { reasons.append(say.openToLevel(level)) }
            if let field = profile.field, !scholarship.fields.isEmpty { reasons.append(say.forField(field)) }
            if let country = profile.country, !scholarship.countries.isEmpty { reasons.append(say.openToCountry(country)) }
            if let close = found.close { reasons.append(say.closeTo(close)) }
            if !found.matched.isEmpty { reasons.append(say.matchesProfile(found.matched)) }
            for spoken in found.languages { reasons.append(say.aimedAtSpeakers(of: spoken)) }
            if let region = found.region { reasons.append(say.aimedAtRegion(language == .fr ? region.french : region.english)) }
            if !found.met.isEmpty { reasons.append(say.meetsPreferences(found.met)) }
            reasons.append(say.deadline(days: Int(found.days.rounded(.down)), day: String(Timestamp.day(scholarship.deadline))))
            if let amount = scholarship.amount {
                reasons.append(say.amount("\(amount) \(scholarship.currency ?? "")".trimmingCharacters(in: .whitespaces)))
            }
            if let fee = scholarship.applicationFee {
                reasons.append(say.fee("\(fee) \(scholarship.feeCurrency ?? "")".trimmingCharacters(in: .whitespaces)))
            }
            if !scholarship.requirements.isEmpty { reasons.append(say.requirements(Array(scholarship.requirements.prefix(3)))) }
            return Recommendation(id: scholarship.id, kind: "scholarship", title: scholarship.title, score: found.score, reasons: reasons)
        }
    }
}
