import Domain
import Foundation
import GRDB

/// Computes a user's `Insights` from the `matching` read model.
enum InsightsBuilder {
    /// Days ahead in which a fitting scholarship deadline is worth a mention.
    static let deadlineHorizonDays = 60.0

    static func build(_ db: Database, profile: StudentProfile, now: Date, language: PreferredLanguage = .en) throws -> Insights {
        let fields: [(String, Bool)] = [
            ("firstName", !profile.firstName.isEmpty), ("lastName", !profile.lastName.isEmpty), ("bio", profile.hasBio),
            ("currentEducationLevel", profile.level != nil), ("fieldOfStudy", profile.field != nil),
            ("careerGoals", !profile.goals.isEmpty), ("interests", !profile.interests.isEmpty), ("languages", !profile.languages.isEmpty),
            ("skills", !profile.skills.isEmpty), ("experience", profile.hasExperience), ("countryCode", profile.country != nil),
            ("city", profile.hasCity), ("avatar", profile.hasAvatar),
        ]
        let missing = fields.filter { !$0.1 }.map(\.0)
        let percent = Int((Double(fields.count - missing.count) / Double(fields.count) * 100).rounded())
        let stored = Timestamp.stored(now)
        let monthAgo = Timestamp.stored(now.addingTimeInterval(-30 * 86_400))
        let arguments: StatementArguments = ["user": profile.id, "now": stored, "monthAgo": monthAgo]
        func count(_ sql: String) throws -> Int { try Int.fetchOne(db.cachedStatement(sql: sql), arguments: arguments) ?? 0 }
        let completed = try count(MatchingSQL.completedSessions)
        let upcoming = try count(MatchingSQL.upcomingSessions)
        let memberships = try count(MatchingSQL.memberships)
        let posts = try count(MatchingSQL.posts)
        let recent = try count(MatchingSQL.recentPosts)
        let events = try count(MatchingSQL.upcomingEvents)
        let horizon = now.addingTimeInterval(deadlineHorizonDays * 86_400)
        let deadlines = try ScholarshipCandidate.earliestEligible(db, for: profile, now: now, until: horizon, limit: 5)
            .map { Insights.Deadline(id: $0.id, title: $0.title, deadline: Timestamp.contract($0.deadline)) }

        let say = Phrasebook(language: language)
        var suggestions: [String] = []
        if !missing.isEmpty {
            suggestions.append(say.completeProfile(percent, missing: Array(missing.prefix(3))))
        }
        if profile.isColdStart { suggestions.append(say.addGoals) }
        if upcoming == 0 { suggestions.append(say.bookSession) }
        if memberships == 0 { suggestions.append(say.joinCommunity) }
        else if recent == 0 { suggestions.append(say.sharePost(memberships)) }
        if let first = deadlines.first { suggestions.append(say.apply(first.title, before: Timestamp.day(first.deadline))) }
        if events == 0 { suggestions.append(say.registerEvent) }
        return Insights(
            userId: profile.id, completeness: .init(percent: percent, missing: missing), sessions: .init(completed: completed, upcoming: upcoming),
            communities: .init(memberships: memberships, posts: posts, recentPosts: recent), upcomingEvents: events,
            deadlines: deadlines, suggestions: suggestions
        )
    }
}
