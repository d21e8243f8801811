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
        levels = StudentProfile.splitList(row["levels"])
        fields = StudentProfile.splitList(row["fields"])
        countries = StudentProfile.splitList(row["countries"])
        requirements = StudentProfile.splitList(row["requirements"])
        preferences = StudentProfile.splitList(row["preferences"])
    }

    /// Scholarships not closed, deadline not passed, whose level and country restrictions admit
    /// `profile` — the hard filters SQL can apply through indexes. Fields are checked in Swift
    /// (`ScholarshipEligibility`), accent-insensitively.
    /// `until` bounds the deadline (insights only want those closing soon).
    static func eligibleRows(_ db: Database, for profile: StudentProfile, now: Date, until: Date = .distantFuture) throws -> [ScholarshipCandidate] {
        try Row.fetchAll(db, sql: MatchingSQL.eligibleScholarships, arguments: ["now": DiscoveryDates.stored(now), "until": DiscoveryDates.stored(min(until, Date(timeIntervalSince1970: 253_402_300_799))), "level": profile.level, "country": profile.country])
        .map(ScholarshipCandidate.init(row:))
        .filter { [stems = StemCache()] in ScholarshipEligibility.violation(of: $0, for: profile, now: now, stems: stems) == nil }
    }
}
