import Domain
import Foundation
import GRDB

/// A bookable mentor as the `matching` read model holds it: verified, with availability.
struct MentorCandidate: Sendable {
    var id: String
    var name: String
    var country: String?
    var expertise: [String]
    var languages: [String]
    var timeZone: String
    var ratingSum: Int
    var ratingCount: Int
    /// Sessions requested or accepted from now on.
    var load: Int

    /// The Bayesian average of the ratings, the domain's formula (`Mentoring.Mentor.rating`).
    var rating: Double {
        let prior = Mentoring.Mentor.ratingPriorWeight
        return (prior * Mentoring.Mentor.ratingPriorMean + Double(ratingSum)) / (prior + Double(ratingCount))
    }

    /// Verified mentors with at least one availability window, not erased, profile not private,
    /// other than `excluded`.
    static func bookable(_ db: Database, excluding excluded: String?, now: Date) throws -> [MentorCandidate] {
        try Row.fetchAll(db, sql: MatchingSQL.bookableMentors, arguments: ["now": DiscoveryDates.stored(now), "excluded": excluded]).map { row in
            MentorCandidate(
                id: row["mentor_id"], name: "\(row["first_name"] as String) \(row["last_name"] as String)".trimmingCharacters(in: .whitespaces),
                country: row["country"], expertise: StudentProfile.splitList(row["expertise"]),
                languages: StudentProfile.splitList(row["languages"]).map { $0.lowercased() }, timeZone: row["time_zone"],
                ratingSum: row["rating_sum"], ratingCount: row["rating_count"], load: row["load"]
            )
        }
    }
}
