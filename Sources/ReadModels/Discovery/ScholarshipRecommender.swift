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

    /// The eligible scholarships of `candidates`, scored, with reasons. `mentions` lists, per
    /// scholarship id, the profile phrases its text holds (`SearchQueries.mentions`).
    static func recommend(_ candidates: [ScholarshipCandidate], for profile: StudentProfile, mentions: [String: [String]],
                          now: Date) -> [Recommendation] {
        let profileStems = profile.stems
        return candidates.compactMap { scholarship in
            // Hard requirements, checked again here: an ineligible scholarship never gets a score.
            guard ScholarshipEligibility.violation(of: scholarship, for: profile, now: now) == nil,
                  let deadline = DiscoveryDates.parse(scholarship.deadline)
            else { return nil }
            var reasons: [String] = []
            if let level = profile.level, !scholarship.levels.isEmpty { reasons.append("Open to your education level (\(level))") }
            if let field = profile.field, !scholarship.fields.isEmpty { reasons.append("For your field of study (\(field))") }
            if let country = profile.country, !scholarship.countries.isEmpty { reasons.append("Open to applicants from \(country)") }

            let matched = Array((mentions[scholarship.id] ?? []).prefix(5))
            let relevance = min(1, Double(matched.count) / 3)
            if !matched.isEmpty { reasons.append("Matches your profile: \(matched.joined(separator: ", "))") }

            let met = TextTerms.matched(scholarship.preferences, in: profileStems)
            let preferences = scholarship.preferences.isEmpty ? 0.5 : Double(met.count) / Double(scholarship.preferences.count)
            if !met.isEmpty { reasons.append("You meet its preferences: \(met.joined(separator: ", "))") }

            let days = max(0, deadline.timeIntervalSince(now) / 86_400)
            let proximity = 1 - min(days, horizonDays) / horizonDays
            reasons.append("Deadline in \(Int(days.rounded(.down))) days (\(DiscoveryDates.day(scholarship.deadline)))")

            var amount = 0.0
            if let text = scholarship.amount, let value = Double(text) {
                amount = min(1, log10(1 + value) / log10(1 + fullAmount))
                reasons.append("Amount: \(text) \(scholarship.currency ?? "")".trimmingCharacters(in: .whitespaces))
            }
            var score = relevanceWeight * relevance + preferencesWeight * preferences + deadlineWeight * proximity + amountWeight * amount
            if let fee = scholarship.applicationFee {
                score *= feeFactor
                reasons.append("Charges an application fee: \(fee) \(scholarship.feeCurrency ?? "")".trimmingCharacters(in: .whitespaces))
            }
            if !scholarship.requirements.isEmpty {
                reasons.append("Requirements to check: \(scholarship.requirements.prefix(3).joined(separator: "; "))")
            }
            return Recommendation(id: scholarship.id, kind: "scholarship", title: scholarship.title, score: score, reasons: reasons)
        }
    }
}
