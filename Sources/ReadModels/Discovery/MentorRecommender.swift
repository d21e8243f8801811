import Foundation

/// Scores bookable mentors for a profile (weights: `docs/recommendations.md`).
enum MentorRecommender {
    /// Weight of the mentor's expertise meeting the profile's goals, interests, skills and field.
    static let expertiseWeight = 0.40
    /// Weight of a shared language.
    static let languageWeight = 0.15
    /// Weight of time-zone closeness (12 hours apart scores 0).
    static let timeZoneWeight = 0.10
    /// Weight of the Bayesian rating, (rating − 1) / 4.
    static let ratingWeight = 0.25
    /// Weight of free capacity: `busyLoad` upcoming sessions or more score 0.
    static let loadWeight = 0.10
    static let busyLoad = 8.0
    /// Cold start (no goals, interests or skills): rating, then field or country, language, load.
    static let coldRatingWeight = 0.55
    static let coldProximityWeight = 0.25
    static let coldLanguageWeight = 0.10
    static let coldLoadWeight = 0.10

    /// What scoring found about one mentor, kept to write the reasons of the best only.
    private struct Scored {
        var mentor: MentorCandidate
        var score: Double
        var shared: [String]
        var met: [String]
        var sameCountry = false
        var inField = false
        var gap: Double?
    }

    /// The best `limit` of `candidates` for `profile`, with reasons. `mentions` lists, per mentor
    /// id, the profile phrases sharing a word with the mentor's expertise (`SearchQueries.mentions`).
    static func recommend(_ candidates: [MentorCandidate], for profile: StudentProfile, mentions: [String: [String]],
                          now: Date, limit: Int) -> [Recommendation] {
        let spoken = Set(profile.languages + [profile.preferredLanguage ?? "fr"])
        let studentOffset = CountryTimeZones.offsetHours(country: profile.country, at: now)
        let fieldStems = profile.field.map(TextTerms.stems) ?? []
        let stems = StemCache()
        var offsets: [String: Double?] = [:] // building a TimeZone is costly; mentors share a few zones
        let scored = candidates.map { mentor -> Scored in
            let shared = mentor.languages.filter(spoken.contains)
            let language = shared.isEmpty ? 0.0 : 1.0
            let free = 1 - min(Double(mentor.load), busyLoad) / busyLoad
            let rating = (mentor.rating - 1) / 4
            if profile.isColdStart {
                let sameCountry = profile.country != nil && mentor.country == profile.country
                let inField = !fieldStems.isEmpty && mentor.expertise.contains { !stems($0).isDisjoint(with: fieldStems) }
                let proximity = (inField || sameCountry) ? 1.0 : 0.0
                let score = coldRatingWeight * rating + coldProximityWeight * proximity + coldLanguageWeight * language + coldLoadWeight * free
                return Scored(mentor: mentor, score: score, shared: shared, met: [], sameCountry: sameCountry, inField: inField)
            }
            let met = mentions[mentor.id] ?? []
            let expertise = min(1, Double(met.count) / 2)
            if offsets[mentor.timeZone] == nil { offsets[mentor.timeZone] = CountryTimeZones.offsetHours(zone: mentor.timeZone, at: now) }
            var gap: Double?
            if let studentOffset, let mentorOffset = offsets[mentor.timeZone] ?? nil { gap = abs(studentOffset - mentorOffset) }
            let timeZone = gap.map { 1 - min($0, 12) / 12 } ?? 0.5
            let score = expertiseWeight * expertise + languageWeight * language + timeZoneWeight * timeZone + ratingWeight * rating + loadWeight * free
            return Scored(mentor: mentor, score: score, shared: shared, met: met, gap: gap)
        }
        // Reasons only for what is returned: building text for thousands of mentors costs more than scoring them.
        return Recommendation.best(scored, limit: limit, score: \.score, title: \.mentor.name, id: \.mentor.id).map { found in
            let mentor = found.mentor
            var reasons: [String] = []
            if found.sameCountry, let country = profile.country { reasons.append("Based in your country (\(country))") }
            if found.inField, let field = profile.field { reasons.append("Works in your field (\(field))") }
            if !found.met.isEmpty {
                reasons.append("Expertise in \(mentor.expertise.prefix(3).joined(separator: ", ")) meets your \(found.met.prefix(3).joined(separator: ", "))")
            }
            if !found.shared.isEmpty { reasons.append("Speaks \(found.shared.joined(separator: ", ")) like you") }
            if mentor.load == 0 {
                reasons.append("Has free time for new sessions")
            } else if Double(mentor.load) >= busyLoad / 2 {
                reasons.append("Busy: \(mentor.load) upcoming sessions")
            }
            if mentor.ratingCount > 0 {
                let rating = (mentor.rating * 10).rounded(.toNearestOrEven) / 10
                reasons.append("Rated \(rating)/5 over \(mentor.ratingCount) rating\(mentor.ratingCount == 1 ? "" : "s")")
            } else {
                reasons.append("New mentor, not rated yet")
            }
            if let gap = found.gap {
                reasons.append(gap == 0 ? "Same time zone as you" : "\(gap.rounded() == gap ? String(Int(gap)) : String(gap)) h from your time zone")
            }
            if profile.isColdStart { reasons.append("Suggested from ratings: add goals and interests to your profile for closer matches") }
            return Recommendation(id: mentor.id, kind: "mentor", title: mentor.name, score: found.score, reasons: reasons)
        }
    }
}
