/// What `GET /ai/insights/{userId}` answers: where a user stands and what to do next.
public struct Insights: Codable, Sendable, Hashable {
    /// Profile completeness: how much of it is filled in.
    public struct Completeness: Codable, Sendable, Hashable {
        /// 0…100.
        public var percent: Int
        /// The contract names of the fields still empty (`bio`, `careerGoals`, `avatar`…).
        public var missing: [String]
    }

    /// Mentoring sessions as mentee or mentor.
    public struct Sessions: Codable, Sendable, Hashable {
        /// Completed.
        public var completed: Int
        /// Requested or accepted, from now on.
        public var upcoming: Int
    }

    /// Community life.
    public struct CommunityActivity: Codable, Sendable, Hashable {
        /// Communities joined.
        public var memberships: Int
        /// Posts published (not removed).
        public var posts: Int
        /// Of which in the last 30 days.
        public var recentPosts: Int
    }

    /// A scholarship deadline that fits the profile: `{id, title, deadline}`.
    public struct Deadline: Codable, Sendable, Hashable {
        /// The scholarship's id.
        public var id: String
        /// Its title.
        public var title: String
        /// ISO 8601 UTC.
        public var deadline: String
    }

    /// The user, lowercase UUID.
    public var userId: String
    /// How complete the profile is.
    public var completeness: Completeness
    /// Mentoring sessions.
    public var sessions: Sessions
    /// Community memberships and posts.
    public var communities: CommunityActivity
    /// Events registered for (seat or waitlist) that have not started.
    public var upcomingEvents: Int
    /// Eligible scholarships closing within 60 days, soonest first (at most 5).
    public var deadlines: [Deadline]
    /// A few concrete next actions.
    public var suggestions: [String]
}
