public import Domain

/// A mentoring session, as `GET /mentors/sessions` lists it.
public struct SessionView: Codable, Sendable, Equatable {
    /// One party's feedback on the other.
    public struct Feedback: Codable, Sendable, Equatable {
        /// 1…5.
        public var rating: Int
        public var comment: String?

        /// A feedback.
        public init(rating: Int, comment: String?) {
            self.rating = rating
            self.comment = comment
        }
    }

    /// The feedback each party gave, by author.
    public struct FeedbackByParty: Codable, Sendable, Equatable {
        /// The mentor's feedback on the mentee.
        public var mentor: Feedback?
        /// The mentee's feedback on the mentor.
        public var mentee: Feedback?

        /// Feedbacks.
        public init(mentor: Feedback? = nil, mentee: Feedback? = nil) {
            self.mentor = mentor
            self.mentee = mentee
        }
    }

    /// Lowercase UUID.
    public var id: String
    public var mentorId: String
    public var menteeId: String
    /// The mentee's words; `[erased]` once the mentee is erased.
    public var title: String
    public var description: String?
    /// ISO 8601 UTC.
    public var scheduledAt: String
    public var durationMinutes: Int
    public var endsAt: String
    public var status: Mentoring.SessionStatus
    /// Why it was declined or cancelled, when a reason was given.
    public var reason: String?
    public var feedback: FeedbackByParty
    public var createdAt: String
    public var updatedAt: String
    /// The iCalendar SEQUENCE: 0 when requested, +1 at every change.
    public var sequence: Int

    /// A session view.
    public init(
        id: String, mentorId: String, menteeId: String, title: String, description: String?, scheduledAt: String,
        durationMinutes: Int, endsAt: String, status: Mentoring.SessionStatus, reason: String?, feedback: FeedbackByParty,
        createdAt: String, updatedAt: String, sequence: Int
    ) {
        self.id = id
        self.mentorId = mentorId
        self.menteeId = menteeId
        self.title = title
        self.description = description
        self.scheduledAt = scheduledAt
        self.durationMinutes = durationMinutes
        self.endsAt = endsAt
        self.status = status
        self.reason = reason
        self.feedback = feedback
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.sequence = sequence
    }
}
