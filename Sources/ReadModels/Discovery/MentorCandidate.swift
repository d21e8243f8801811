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
        try Row.fetchAll(db, sql: MatchingSQL.bookableMentors, arguments: ["now": Timestamp.stored(now), "excluded": excluded]).map { row in
            // By position, in the order of `MatchingSQL.bookableMentors`' columns.
            MentorCandidate(
                id: row[0], name: "\(row[1] as String) \(row[2] as String)".trimmingCharacters(in: .whitespaces), country: row[3],
                expertise: StudentProfile.splitList(row[4]), languages: StudentProfile.splitList(row[5]).map { $0.lowercased() },
                timeZone: row[6], ratingSum: row[7], ratingCount: row[8], load: row[9]
            )
        }
    }
}
