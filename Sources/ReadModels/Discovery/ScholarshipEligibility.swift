import Foundation

/// The hard requirements of a scholarship: a recommendation never breaks one, whatever its score.
enum ScholarshipEligibility {
    /// Why `scholarship` is out of reach for `profile` at `now`, or `nil` when it is eligible.
    ///
    /// Open, deadline not passed, and — when the scholarship restricts them — the education level,
    /// the field of study (`fieldMeets`: ISCED-F codes, in either language) and the country.
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
            guard let field = profile.field, fieldMeets(field, restriction: scholarship.fields, stems: stems) else { return "field of study" }
        }
        return nil
    }

    /// Whether a student of `field` meets a restriction to `restriction`: through ISCED-F, the
    /// same field or a narrower one ("Informatique" meets "Computer Science", "Droit" meets "Law",
    /// "Génie civil" meets "Engineering, manufacturing and construction"); or, for names the
    /// taxonomy does not know, by their words (`fieldsMatch`).
    static func fieldMeets(_ field: String, restriction: [String], stems: StemCache = StemCache()) -> Bool {
        let own = FieldCodes.codes(in: field)
        if !own.isEmpty, FieldCodes.meets(own, restriction: FieldCodes.codes(in: restriction)) { return true }
        return restriction.contains { fieldsMatch($0, field, stems: stems) }
    }

    /// Two names of a field match when, folded, one's stems include the other's ("Informatique"
    /// and "informatique et réseaux").
    static func fieldsMatch(_ a: String, _ b: String, stems: StemCache = StemCache()) -> Bool {
        let left = stems(a), right = stems(b)
        guard !left.isEmpty, !right.isEmpty else { return TextTerms.fold(a) == TextTerms.fold(b) }
        return left.isSubset(of: right) || right.isSubset(of: left)
    }
}
