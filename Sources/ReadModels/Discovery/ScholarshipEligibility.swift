import Foundation

/// The hard requirements of a scholarship: a recommendation never breaks one, whatever its score.
enum ScholarshipEligibility {
    /// Why `scholarship` is out of reach for `profile` at `now`, or `nil` when it is eligible.
    ///
    /// Open, deadline not passed, and — when the scholarship restricts them — the education level,
    /// the field of study (accent- and case-insensitive, either naming the other) and the country.
    /// An unknown level, field or country never satisfies a restriction.
    static func violation(of scholarship: ScholarshipCandidate, for profile: StudentProfile, now: Date,
                          stems: StemCache = StemCache()) -> String? {
        if scholarship.closed { return "closed" }
        guard let deadline = Timestamp.parse(scholarship.deadline), deadline >= now else { return "deadline passed" }
        if !scholarship.levels.isEmpty {
            guard let level = profile.level, scholarship.levels.contains(level) else { return "education level" }
        }
        if !scholarship.countries.isEmpty {
            guard let country = profile.country?.uppercased(), scholarship.countries.map({ $0.uppercased() }).contains(country)
            else { return "country" }
        }
        if !scholarship.fields.isEmpty {
            guard let field = profile.field, scholarship.fields.contains(where: { fieldsMatch($0, field, stems: stems) }) else { return "field of study" }
        }
        return nil
    }

    /// Two names of a field match when, folded, one's stems include the other's ("Informatique"
    /// and "informatique et réseaux").
    static func fieldsMatch(_ a: String, _ b: String, stems: StemCache = StemCache()) -> Bool {
        let left = stems(a), right = stems(b)
        guard !left.isEmpty, !right.isEmpty else { return TextTerms.fold(a) == TextTerms.fold(b) }
        return left.isSubset(of: right) || right.isSubset(of: left)
    }
}
