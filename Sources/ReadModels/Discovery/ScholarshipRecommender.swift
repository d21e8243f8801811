import Foundation

/// Scores eligible scholarships for a profile (weights: `docs/recommendations.md`).
enum ScholarshipRecommender {
    /// Weight of the profile's goals, interests, skills and field found in the scholarship's text.
    static let relevanceWeight = 0.45
    /// Weight of the scholarship's soft preferences the profile meets.
    static let preferencesWeight = 0.15
    /// Weight of deadline proximity (sooner is more urgent, within `horizonDays`).
    static let deadlineWeight = 0.20
    /// Weight of the amount, on a log scale up to `fullAmount`.
    static let amountWeight = 0.20
    /// A scholarship that charges a fee keeps this share of its score.
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
    }

    /// The best `limit` eligible scholarships of `candidates`, scored, with reasons. `mentions`
    /// lists, per scholarship id, the profile phrases its text holds (`SearchQueries.mentions`).
    static func recommend(_ candidates: [ScholarshipCandidate], for profile: StudentProfile, mentions: [String: [String]],
                          now: Date, limit: Int) -> [Recommendation] {
        let profileStems = profile.stems
        let stems = StemCache()
        let scored = candidates.compactMap { scholarship -> Scored? in
            // Hard requirements, checked again here: an ineligible scholarship never gets a score.
            guard ScholarshipEligibility.violation(of: scholarship, for: profile, now: now, stems: stems) == nil,
                  let deadline = Timestamp.parse(scholarship.deadline)
            else { return nil }
            let matched = Array((mentions[scholarship.id] ?? []).prefix(5))
            let relevance = min(1, Double(matched.count) / 3)
            let met = scholarship.preferences.filter { preference in
                let own = stems(preference)
                return !own.isEmpty && own.isSubset(of: profileStems)
            }
            let preferences = scholarship.preferences.isEmpty ? 0.5 : Double(met.count) / Double(scholarship.preferences.count)
            let days = max(0, deadline.timeIntervalSince(now) / 86_400)
            let proximity = 1 - min(days, horizonDays) / horizonDays
            let amount = scholarship.amount.flatMap(Double.init).map { min(1, log10(1 + $0) / log10(1 + fullAmount)) } ?? 0
            var score = relevanceWeight * relevance + preferencesWeight * preferences + deadlineWeight * proximity + amountWeight * amount
            if scholarship.applicationFee != nil { score *= feeFactor }
            return Scored(scholarship: scholarship, score: score, matched: matched, met: met, days: days)
        }
        // Reasons only for what is returned: building text for thousands of candidates costs more than scoring them.
        return Recommendation.best(scored, limit: limit, score: \.score, title: \.scholarship.title, id: \.scholarship.id).map { found in
            let scholarship = found.scholarship
            var reasons: [String] = []
            if let level = profile.level, !scholarship.levels.isEmpty { reasons.append("Open to your education level (\(level))") }
            if let field = profile.field, !scholarship.fields.isEmpty { reasons.append("For your field of study (\(field))") }
            if let country = profile.country, !scholarship.countries.isEmpty { reasons.append("Open to applicants from \(country)") }
            if !found.matched.isEmpty { reasons.append("Matches your profile: \(found.matched.joined(separator: ", "))") }
            if !found.met.isEmpty { reasons.append("You meet its preferences: \(found.met.joined(separator: ", "))") }
            reasons.append("Deadline in \(Int(found.days.rounded(.down))) days (\(Timestamp.day(scholarship.deadline)))")
            if let amount = scholarship.amount {
                reasons.append("Amount: \(amount) \(scholarship.currency ?? "")".trimmingCharacters(in: .whitespaces))
            }
            if let fee = scholarship.applicationFee {
                reasons.append("Charges an application fee: \(fee) \(scholarship.feeCurrency ?? "")".trimmingCharacters(in: .whitespaces))
            }
            if !scholarship.requirements.isEmpty {
                reasons.append("Requirements to check: \(scholarship.requirements.prefix(3).joined(separator: "; "))")
            }
            return Recommendation(id: scholarship.id, kind: "scholarship", title: scholarship.title, score: found.score, reasons: reasons)
        }
    }
}
