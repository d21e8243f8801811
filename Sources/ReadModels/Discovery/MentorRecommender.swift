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

    /// `candidates` scored for `profile`, with reasons. `mentions` lists, per mentor id, the profile
    /// phrases sharing a word with the mentor's expertise (`SearchQueries.mentions`).
    static func recommend(_ candidates: [MentorCandidate], for profile: StudentProfile, mentions: [String: [String]],
                          now: Date) -> [Recommendation] {
        let spoken = Set(profile.languages + [profile.preferredLanguage ?? "fr"])
        let studentOffset = CountryTimeZones.offsetHours(country: profile.country, at: now)
        var offsets: [String: Double?] = [:] // building a TimeZone is costly; mentors share a few zones
        return candidates.map { mentor in
            var reasons: [String] = []
            let shared = mentor.languages.filter(spoken.contains)
            let language = shared.isEmpty ? 0.0 : 1.0
            if !shared.isEmpty { reasons.append("Speaks \(shared.joined(separator: ", ")) like you") }
            let free = 1 - min(Double(mentor.load), busyLoad) / busyLoad
            if mentor.load == 0 { reasons.append("Has free time for new sessions") }
            else if free < 0.5 { reasons.append("Busy: \(mentor.load) upcoming sessions") }
            let rating = (mentor.rating - 1) / 4
            let ratingText = String(format: "%.1f", mentor.rating)
            if mentor.ratingCount > 0 {
                reasons.append("Rated \(ratingText)/5 over \(mentor.ratingCount) rating\(mentor.ratingCount == 1 ? "" : "s")")
            } else {
                reasons.append("New mentor, not rated yet")
            }

            if profile.isColdStart {
                let sameCountry = profile.country != nil && mentor.country == profile.country
                let inField = profile.field.map { field in mentor.expertise.contains { TextTerms.overlap($0, field) } } ?? false
                if inField, let field = profile.field { reasons.insert("Works in your field (\(field))", at: 0) }
                if sameCountry, let country = profile.country { reasons.insert("Based in your country (\(country))", at: 0) }
                let proximity = (inField || sameCountry) ? 1.0 : 0.0
                let score = coldRatingWeight * rating + coldProximityWeight * proximity + coldLanguageWeight * language + coldLoadWeight * free
                reasons.append("Suggested from ratings: add goals and interests to your profile for closer matches")
                return Recommendation(id: mentor.id, kind: "mentor", title: mentor.name, score: score, reasons: reasons)
            }

            let unique = mentions[mentor.id] ?? []
            let expertise = min(1, Double(unique.count) / 2)
            if !unique.isEmpty {
                reasons.insert("Expertise in \(mentor.expertise.prefix(3).joined(separator: ", ")) meets your \(unique.prefix(3).joined(separator: ", "))", at: 0)
            }
            var timeZone = 0.5
            if offsets[mentor.timeZone] == nil { offsets[mentor.timeZone] = CountryTimeZones.offsetHours(zone: mentor.timeZone, at: now) }
            if let studentOffset, let mentorOffset = offsets[mentor.timeZone] ?? nil {
                let gap = abs(studentOffset - mentorOffset)
                timeZone = 1 - min(gap, 12) / 12
                reasons.append(gap == 0 ? "Same time zone as you" : "\(String(format: "%g", gap)) h from your time zone")
            }
            let score = expertiseWeight * expertise + languageWeight * language + timeZoneWeight * timeZone + ratingWeight * rating + loadWeight * free
            return Recommendation(id: mentor.id, kind: "mentor", title: mentor.name, score: score, reasons: reasons)
        }
    }
}
