import Domain
import Foundation

/// Ranks the career catalog against a profile (weights: `docs/recommendations.md`).
enum CareerRecommender {
    /// Weight of the profile's field of study among the career's fields.
    static let fieldWeight = 0.45
    /// Weight of the profile's skills among the career's skills (two matches score full).
    static let skillsWeight = 0.30
    /// Weight of the profile's goals and interests among the career's interests and title (two matches score full).
    static let interestsWeight = 0.25

    /// Every career path scored for `profile`, best first, without next steps; reasons in `language`.
    static func rank(_ paths: [CareerPath], for profile: StudentProfile,
                     language: PreferredLanguage = .en) -> [(path: CareerPath, score: Double, reasons: [String])] {
        let say = Phrasebook(language: language)
        return paths.map { path in
            var reasons: [String] = []
            let fieldStems = TextTerms.stems(path.fields.joined(separator: " "))
            let field = profile.field.map { TextTerms.phrase($0, matches: fieldStems) } ?? false
            if field, let name = profile.field { reasons.append(say.buildsOnField(name)) }
            let skills = TextTerms.matched(profile.skills, in: TextTerms.stems(path.skills.joined(separator: " ")), limit: 4)
            if !skills.isEmpty { reasons.append(say.usesSkills(skills)) }
            let interestStems = TextTerms.stems((path.interests + [path.titleFR, path.titleEN]).joined(separator: " "))
            let interests = TextTerms.matched(profile.goals + profile.interests, in: interestStems, limit: 4)
            if !interests.isEmpty { reasons.append(say.answersGoals(interests)) }
            let score = (field ? fieldWeight : 0) + skillsWeight * min(1, Double(skills.count) / 2)
                + interestsWeight * min(1, Double(interests.count) / 2)
            if reasons.isEmpty { reasons.append(say.addToRank) }
            return (path, score, reasons)
        }
        .sorted { ($0.score, $1.path.id) > ($1.score, $0.path.id) }
    }
}
