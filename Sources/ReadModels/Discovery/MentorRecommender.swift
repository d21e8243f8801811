import Domain
import Foundation

/// Scores bookable mentors for a profile (weights: `docs/recommendations.md`; the shape of a
/// score: `Topicality`).
enum MentorRecommender {
    /// Within the generic part: the Bayesian rating, (rating − 1) / 4.
    static let ratingShare = 0.50
    /// Within the generic part: free capacity; `busyLoad` upcoming sessions or more score 0.
    static let loadShare = 0.25
    /// Within the generic part: time-zone closeness (12 hours apart scores 0).
    static let timeZoneShare = 0.25
    static let busyLoad = 8.0

    /// What scoring found about one mentor, kept to write the reasons of the best only.
    private struct Scored {
        var mentor: MentorCandidate
        var score: Double
        var shared: [String]
        var met: [String]
        var sameCountry = false
        var close: ISCEDField?
        var inField = false
        var gap: Double?
    }

    /// The best `limit` of `candidates` for `profile`, with reasons in `language`. `mentions`
    /// lists, per mentor id, the profile phrases sharing a word with the mentor's expertise
    /// (`SearchQueries.mentions`).
    static func recommend(_ candidates: [MentorCandidate], for profile: StudentProfile, mentions: [String: [String]],
                          now: Date, limit: Int, language: PreferredLanguage = .en) -> [Recommendation] {
        let spoken = profile.spoken
        let studentOffset = CountryTimeZones.offsetHours(country: profile.country, at: now)
        let profileCodes = Topicality.codes(of: profile)
        let fieldCodes = profile.field.map { FieldCodes.codes(in: $0) } ?? []
        let fieldStems = profile.field.map(TextTerms.stems) ?? []
        let stems = StemCache()
        var offsets: [String: Double?] = [:] // building a TimeZone is costly; mentors share a few zones
        let scored = candidates.map { mentor -> Scored in
            let shared = mentor.languages.filter(spoken.contains)
            let sameCountry = profile.country != nil && mentor.country == profile.country
            let expertise = FieldCodes.codes(in: mentor.expertise)
            let (closeness, close) = Topicality.closest(profileCodes, expertise)
            let inField = (!fieldCodes.isEmpty && FieldCodes.closeness(fieldCodes, expertise) >= 0.75)
                || (!fieldStems.isEmpty && mentor.expertise.contains { !stems($0).isDisjoint(with: fieldStems) })
            let met = mentions[mentor.id] ?? []
            let topical = Topicality.topical(closeness: closeness, mentions: met.count)
            let targets = (shared.isEmpty ? 0 : 1) + (sameCountry ? 1 : 0)

            if offsets[mentor.timeZone] == nil { offsets[mentor.timeZone] = CountryTimeZones.offsetHours(zone: mentor.timeZone, at: now) }
            var gap: Double?
            if let studentOffset, let mentorOffset = offsets[mentor.timeZone] ?? nil { gap = abs(studentOffset - mentorOffset) }
            let timeZone = gap.map { 1 - min($0, 12) / 12 } ?? 0.5
            let free = 1 - min(Double(mentor.load), busyLoad) / busyLoad
            let rating = (mentor.rating - 1) / 4
            let generic = ratingShare * rating + loadShare * free + timeZoneShare * timeZone
            let score = Topicality.score(topical: topical, targeting: Topicality.targeting(targets), generic: generic)
            return Scored(mentor: mentor, score: score, shared: shared, met: met, sameCountry: sameCountry,
                          close: closeness > 0 ? close : nil, inField: inField, gap: gap)
        }
        let say = Phrasebook(language: language)
        // Reasons only for what is returned: building text for thousands of mentors costs more than scoring them.
        return Recommendation.best(scored, limit: limit, score: \.score, title: \.mentor.name, id: \.mentor.id).map { found in
            let mentor = found.mentor
            var reasons: [String] = []
            if profile.isColdStart {
                if found.sameCountry, let country = profile.country { reasons.append(say.sameCountry(country)) }
                if found.inField, let field = profile.field { reasons.append(say.worksInField(field)) }
            }
            if !found.met.isEmpty { reasons.append(say.expertiseMeets(Array(mentor.expertise.prefix(3)), Array(found.met.prefix(3)))) }
            if let close = found.close { reasons.append(say.closeTo(close)) }
            if !profile.isColdStart, found.sameCountry, let country = profile.country { reasons.append(say.sameCountry(country)) }
            if !found.shared.isEmpty { reasons.append(say.speaks(found.shared)) }
            if mentor.load == 0 {
                reasons.append(say.freeTime)
            } else if Double(mentor.load) >= busyLoad / 2 {
                reasons.append(say.busy(mentor.load))
            }
            if mentor.ratingCount > 0 {
                reasons.append(say.rated((mentor.rating * 10).rounded(.toNearestOrEven) / 10, over: mentor.ratingCount))
            } else {
                reasons.append(say.notRated)
            }
            if let gap = found.gap { reasons.append(gap == 0 ? say.sameTimeZone : say.hoursAway(gap)) }
            if profile.isColdStart { reasons.append(say.coldStart) }
            return Recommendation(id: mentor.id, kind: "mentor", title: mentor.name, score: found.score, reasons: reasons)
        }
    }
}
