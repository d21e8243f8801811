/// How recommendations weigh what an item is about against everything else (weights:
/// `docs/recommendations.md`, "Ranking").
///
/// A score is `topicalWeight × topical + targetingWeight × targeting + genericWeight × generic`,
/// each part in [0, 1]. Any topical evidence is worth at least `minimumTopical`, so that an item
/// close to the profile through the taxonomy (at least its broad field) outranks every item
/// with nothing in common, whatever their rating, availability or deadline; and an item that
/// targets the student (language, region, country, level) outranks one that only scores on
/// generic merits.
enum Topicality {
    static let topicalWeight = 0.70
    static let targetingWeight = 0.20
    static let genericWeight = 0.10

    /// A topical score from taxonomy closeness (`FieldCodes.closeness`: 1, 0.75, 0.5 or 0) and
    /// the number of profile phrases found in the item's text. Mentions alone (no shared field)
    /// score below a shared broad field; each mention adds a little, never enough to climb a level.
    static func topical(closeness: Double, mentions: Int) -> Double {
        let extra = Double(min(mentions, 3))
        if closeness > 0 { return min(1, closeness + 0.03 * extra) }
        return mentions > 0 ? 0.35 + 0.05 * (extra - 1) : 0
    }

    /// Targeting from how many ways an item aims at the student: 0, then 0.55, 0.8, 1.
    static func targeting(_ count: Int) -> Double {
        switch count {
        case ..<1: 0
        case 1: 0.55
        case 2: 0.8
        default: 1
        }
    }

    /// The score of the three parts.
    static func score(topical: Double, targeting: Double, generic: Double) -> Double {
        topicalWeight * topical + targetingWeight * targeting + genericWeight * generic
    }

    /// The ISCED-F codes of what a profile is about: its field of study, goals and interests.
    static func codes(of profile: StudentProfile) -> Set<String> {
        FieldCodes.codes(in: (profile.field.map { [$0] } ?? []) + profile.goals + profile.interests)
    }

    /// The closest pair of codes between `profile` and `item`: its closeness and the item's field.
    static func closest(_ profile: Set<String>, _ item: Set<String>) -> (closeness: Double, field: ISCEDField?) {
        var best: (closeness: Double, code: String?) = (0, nil)
        for left in profile {
            for right in item {
                let closeness = FieldCodes.closeness(left, right)
                if closeness > best.closeness || (closeness == best.closeness && best.code.map { right < $0 } == true) {
                    best = (closeness, right)
                }
            }
        }
        return (best.closeness, best.code.flatMap(ISCEDTaxonomy.field))
    }
}
