/// The queries recommendations and insights run on the `matching` read model, in one place so
/// `QueryPlanTests` can check that each one finds its rows through an index.
enum MatchingSQL {
    /// Open scholarships whose level and country restrictions admit `:level` and `:country`.
    static let eligibleScholarships = """
        SELECT \(ScholarshipCandidate.columns) FROM scholarships s
        WHERE s.closed = 0 AND s.deadline >= :now
          AND (s.any_level = 1 OR EXISTS (SELECT 1 FROM scholarship_rules r WHERE r.rule = 'level' AND r.value = :level AND r.scholarship_id = s.id))
          AND (s.any_country = 1 OR EXISTS (SELECT 1 FROM scholarship_rules r WHERE r.rule = 'country' AND r.value = :country AND r.scholarship_id = s.id))
          AND s.deadline <= :until
        """

    /// `eligibleScholarships` soonest deadline first, so the first eligible ones are found without reading the rest.
    static let earliestEligibleScholarships = eligibleScholarships + "\nORDER BY s.deadline, s.id"

    /// `earliestEligibleScholarships` among the ids of the JSON array `:ids`.
    static let earliestEligibleScholarshipsAmong = eligibleScholarships + "\n  AND s.id IN (SELECT value FROM json_each(:ids))\nORDER BY s.deadline, s.id"

    /// Verified mentors with availability whose profile is not private, their name, country and upcoming load.
    static let bookableMentors = """
        SELECT m.mentor_id, p.first_name, p.last_name, p.country, m.expertise, m.languages, m.time_zone, m.rating_sum, m.rating_count,
               (SELECT count(*) FROM sessions s WHERE s.mentor_id = m.mentor_id AND s.scheduled_at >= :now
                    AND s.state IN ('requested', 'accepted')) AS load
        FROM mentors m JOIN profiles p ON p.user_id = m.mentor_id
        WHERE m.verified = 1 AND m.slots > 0 AND p.erased = 0 AND p.visibility <> 'private' AND m.mentor_id <> coalesce(:excluded, '')
        """

    /// A profile, unless erased.
    static let profile = "SELECT * FROM profiles WHERE user_id = :user AND erased = 0"

    /// Sessions completed, as mentee or mentor.
    static let completedSessions = """
        SELECT (SELECT count(*) FROM sessions WHERE mentee_id = :user AND state = 'completed')
             + (SELECT count(*) FROM sessions WHERE mentor_id = :user AND state = 'completed')
        """

    /// Sessions requested or accepted from `:now` on, as mentee or mentor.
    static let upcomingSessions = """
        SELECT (SELECT count(*) FROM sessions WHERE mentee_id = :user AND scheduled_at >= :now AND state IN ('requested', 'accepted'))
             + (SELECT count(*) FROM sessions WHERE mentor_id = :user AND scheduled_at >= :now AND state IN ('requested', 'accepted'))
        """

    static let memberships = "SELECT count(*) FROM memberships WHERE user_id = :user"
    static let posts = "SELECT count(*) FROM posts WHERE author_id = :user"
    static let recentPosts = "SELECT count(*) FROM posts WHERE author_id = :user AND at >= :monthAgo"

    /// Events registered for that are not cancelled and have not started.
    static let upcomingEvents = """
        SELECT count(*) FROM registrations r JOIN events e ON e.id = r.event_id
        WHERE r.user_id = :user AND e.cancelled = 0 AND e.start_date >= :now
        """

    /// Every query, for the query-plan test.
    static let all = [eligibleScholarships, earliestEligibleScholarships, bookableMentors, profile, completedSessions, upcomingSessions, memberships, posts, recentPosts, upcomingEvents]
}
