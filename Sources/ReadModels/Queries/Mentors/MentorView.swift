public import Domain

/// A mentor as `GET /mentors/available` lists them and the mentor detail shows them.
public struct MentorView: Codable, Sendable, Equatable {
    /// The Bayesian rating: `average` = (C·m + `sum`) / (C + `count`), m = 4.0, C = 5
    /// (`Mentoring.Mentor.ratingPriorMean`, `ratingPriorWeight`); 4.0 with no ratings.
    public struct Rating: Codable, Sendable, Equatable {
        public var average: Double
        public var count: Int
        public var sum: Int

        /// A rating summary.
        public init(average: Double, count: Int, sum: Int) {
            self.average = average
            self.count = count
            self.sum = sum
        }
    }

    /// How many of the mentor's sessions are in each status now.
    public struct SessionCounts: Codable, Sendable, Equatable {
        public var requested: Int
        public var accepted: Int
        public var inProgress: Int
        public var completed: Int
        public var cancelled: Int
        public var declined: Int

        /// Session counts.
        public init(requested: Int = 0, accepted: Int = 0, inProgress: Int = 0, completed: Int = 0, cancelled: Int = 0, declined: Int = 0) {
            self.requested = requested
            self.accepted = accepted
            self.inProgress = inProgress
            self.completed = completed
            self.cancelled = cancelled
            self.declined = declined
        }
    }

    /// The mentor's user id, lowercase.
    public var mentorId: String
    /// "First Last" from the account and profile; `nil` when unknown.
    public var name: String?
    public var expertiseAreas: [String]
    public var experienceYears: Int
    public var hourlyRate: Money?
    /// ISO 639 codes.
    public var languages: [String]
    /// IANA identifier; `availability` times are local to it.
    public var timeZone: String
    public var availability: [AvailabilitySlot]
    /// Only verified mentors are listed and bookable.
    public var verified: Bool
    public var rating: Rating
    public var sessions: SessionCounts

    /// A mentor view.
    public init(
        mentorId: String, name: String?, expertiseAreas: [String], experienceYears: Int, hourlyRate: Money?, languages: [String],
        timeZone: String, availability: [AvailabilitySlot], verified: Bool, rating: Rating, sessions: SessionCounts
    ) {
        self.mentorId = mentorId
        self.name = name
        self.expertiseAreas = expertiseAreas
        self.experienceYears = experienceYears
        self.hourlyRate = hourlyRate
        self.languages = languages
        self.timeZone = timeZone
        self.availability = availability
        self.verified = verified
        self.rating = rating
        self.sessions = sessions
    }

    /// The weekly availability, for time-window checks.
    public var weeklyAvailability: WeeklyAvailability { WeeklyAvailability(timeZone: timeZone, slots: availability) }
}
