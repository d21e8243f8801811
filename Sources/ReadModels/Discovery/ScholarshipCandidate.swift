import Foundation
import GRDB

/// An open scholarship as the `matching` read model holds it, with its eligibility lists.
struct ScholarshipCandidate: Sendable {
    var id: String
    var title: String
    var description: String
    var provider: String
    var amount: String?
    var currency: String?
    var applicationFee: String?
    var feeCurrency: String?
    /// Stored ISO 8601 (`…000Z`).
    var deadline: String
    var closed: Bool
    var levels: [String]
    var fields: [String]
    var countries: [String]
    var requirements: [String]
    var preferences: [String]

    init(row: Row) {
        id = row["id"]
        title = row["title"]
        description = row["description"]
        provider = row["provider"]
        amount = row["amount"]
        currency = row["currency"]
        applicationFee = row["application_fee"]
        feeCurrency = row["fee_currency"]
        deadline = row["deadline"]
        closed = row["closed"]
        levels = StudentProfile.decodeList(row["levels"])
        fields = StudentProfile.decodeList(row["fields"])
        countries = StudentProfile.decodeList(row["countries"])
        requirements = StudentProfile.decodeList(row["requirements"])
        preferences = StudentProfile.decodeList(row["preferences"])
    }

    /// The text matched against a profile: title, description, fields and preferences.
    var stems: Set<String> {
        TextTerms.stems(([title, description] + fields + preferences).joined(separator: " "))
    }

    /// Scholarships not closed, deadline not passed, whose level and country restrictions admit
    /// `profile` — the hard filters SQL can apply through indexes. Fields are checked in Swift
    /// (`ScholarshipEligibility`), accent-insensitively.
    static func eligibleRows(_ db: Database, for profile: StudentProfile, now: Date) throws -> [ScholarshipCandidate] {
        try Row.fetchAll(db, sql: MatchingSQL.eligibleScholarships, arguments: ["now": DiscoveryDates.stored(now), "level": profile.level, "country": profile.country])
        .map(ScholarshipCandidate.init(row:))
        .filter { ScholarshipEligibility.violation(of: $0, for: profile, now: now) == nil }
    }
}
