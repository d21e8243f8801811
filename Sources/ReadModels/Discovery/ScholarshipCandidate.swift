import Foundation
import GRDB

/// An open scholarship as the `matching` read model holds it, with its eligibility lists.
struct ScholarshipCandidate: Sendable {
    var id: String
    var title: String
    var description: String
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

    /// The columns `init(row:)` reads, in its order: rows are read by position, for thousands of
    /// candidates per request a name lookup per column shows.
    static let columns = "s.id, s.title, s.amount, s.currency, s.application_fee, s.fee_currency, s.deadline, s.closed, "
        + "s.levels, s.fields, s.countries, s.requirements, s.preferences, s.description"

    init(row: Row) {
        id = row[0]
        title = row[1]
        amount = row[2]
        currency = row[3]
        applicationFee = row[4]
        feeCurrency = row[5]
        deadline = row[6]
        closed = row[7]
        levels = StudentProfile.splitList(row[8])
        fields = StudentProfile.splitList(row[9])
        countries = StudentProfile.splitList(row[10])
        requirements = StudentProfile.splitList(row[11])
        preferences = StudentProfile.splitList(row[12])
        description = row[13]
    }

    /// Scholarships not closed, deadline not passed, whose level and country restrictions admit
    /// `profile` — the hard filters SQL can apply through indexes. Fields are checked in Swift
    /// (`ScholarshipEligibility`), accent-insensitively.
    /// `until` bounds the deadline (insights only want those closing soon).
    static func eligibleRows(_ db: Database, for profile: StudentProfile, now: Date, until: Date = .distantFuture) throws -> [ScholarshipCandidate] {
        try Row.fetchAll(db.cachedStatement(sql: MatchingSQL.eligibleScholarships), arguments: sqlArguments(profile, now: now, until: until))
            .map(ScholarshipCandidate.init(row:))
            .filter { [stems = StemCache()] in ScholarshipEligibility.violation(of: $0, for: profile, now: now, stems: stems) == nil }
    }

    /// The first `limit` of `eligibleRows` by deadline (then id), among `ids` when given: rows are
    /// read in deadline order until the `limit`-th eligible one, not all of them.
    static func earliestEligible(_ db: Database, for profile: StudentProfile, now: Date, until: Date = .distantFuture,
                                 among ids: [String]? = nil, limit: Int) throws -> [ScholarshipCandidate] {
        guard limit > 0, ids?.isEmpty != true else { return [] }
        var arguments = sqlArguments(profile, now: now, until: until)
        if let ids { arguments += ["ids": String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)] }
        let sql = ids == nil ? MatchingSQL.earliestEligibleScholarships : MatchingSQL.earliestEligibleScholarshipsAmong
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        let stems = StemCache()
        var found: [ScholarshipCandidate] = []
        while found.count < limit, let row = try rows.next() {
            let candidate = ScholarshipCandidate(row: row)
            if ScholarshipEligibility.violation(of: candidate, for: profile, now: now, stems: stems) == nil { found.append(candidate) }
        }
        return found
    }

    /// The arguments of `MatchingSQL.eligibleScholarships` for `profile`.
    private static func sqlArguments(_ profile: StudentProfile, now: Date, until: Date) -> StatementArguments {
        ["now": Timestamp.stored(now), "until": Timestamp.stored(min(until, Date(timeIntervalSince1970: 253_402_300_799))),
         "level": profile.level, "country": profile.country]
    }
}
