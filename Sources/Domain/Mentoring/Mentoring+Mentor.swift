public import EventSourcing
public import Foundation

extension Mentoring {
    /// A mentor: profile, weekly availability, verification, ratings. Stream `mentor-<userId>`
    /// (a mentor is identified by their user id).
    public enum Mentor: Decider {
        public typealias Rejection = Mentoring.Rejection

        /// The prior mean of the Bayesian rating: what a mentor with no ratings shows (m).
        public static let ratingPriorMean = 4.0
        /// The prior's weight, in ratings (C): after C real ratings, they weigh as much as the prior.
        ///
        /// `rating = (C·m + Σ ratings) / (C + n)`: one 5-star rating cannot outrank a mentor with
        /// fifty 4.8s, and a new mentor is neither buried nor crowned.
        public static let ratingPriorWeight = 5.0

        /// What `POST /mentors` carries.
        public struct Application: Sendable, Equatable {
            public var expertiseAreas: [String]
            public var experienceYears: Int
            public var hourlyRate: Money?
            public var languages: [String]
            public var timeZone: String
            public var availability: [AvailabilitySlot]

            public init(
                expertiseAreas: [String], experienceYears: Int, hourlyRate: Money? = nil, languages: [String],
                timeZone: String, availability: [AvailabilitySlot]
            ) {
                self.expertiseAreas = expertiseAreas
                self.experienceYears = experienceYears
                self.hourlyRate = hourlyRate
                self.languages = languages
                self.timeZone = timeZone
                self.availability = availability
            }
        }

        /// What a mentor's stream remembers.
        public struct State: Sendable, Equatable {
            public var mentorID: UUID?
            public var profile: ProfileSet?
            public var verified = false
            /// Rating per session, so a session is counted once.
            public var ratings: [UUID: Int] = [:]

            /// Whether the mentor registered.
            public var exists: Bool { profile != nil }

            /// The weekly availability, in the mentor's time zone.
            public var availability: WeeklyAvailability? {
                profile.map { WeeklyAvailability(timeZone: $0.timeZone, slots: $0.availability) }
            }

            /// The Bayesian average of the ratings (see `ratingPriorMean`, `ratingPriorWeight`).
            public var rating: Double {
                let sum = Double(ratings.values.reduce(0, +))
                return (ratingPriorWeight * ratingPriorMean + sum) / (ratingPriorWeight + Double(ratings.count))
            }
        }

        /// What callers ask of a mentor.
        public enum Command: Sendable, Equatable {
            /// Become a mentor, or update the mentor profile (same body).
            case apply(Application, by: Principal, now: Date)
            /// An admin vouches for the mentor (`POST /mentors/{id}/verify`); only verified mentors are bookable.
            case verify(mentorID: UUID, by: Principal, now: Date)
            /// Record a mentee's rating of a completed session (see `Mentoring.giveFeedback`).
            case recordRating(mentorID: UUID, sessionID: UUID, rating: Int, now: Date)
        }

        public static var initialState: State { State() }

        public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
            switch command {
            case .apply(let application, let principal, let now):
                guard let userID = principal.userID else { throw .forbidden("only a signed-in user can become a mentor") }
                let profile = try Rejection.check { () throws(FieldError) in
                    let availability = try WeeklyAvailability(timeZone: application.timeZone, slots: application.availability).validated()
                    return ProfileSet(
                        mentorId: userID,
                        expertiseAreas: try Validate.textList(application.expertiseAreas, "expertiseAreas", maxCount: 20, maxLength: 100, nonEmpty: true),
                        experienceYears: try Validate.integer(application.experienceYears, "experienceYears", in: 0...60),
                        hourlyRate: try application.hourlyRate?.validated("hourlyRate"),
                        languages: try languages(application.languages),
                        timeZone: availability.timeZone,
                        availability: availability.slots,
                        at: now
                    )
                }
                guard let current = state.profile else { return [.registered(profile)] }
                var unchanged = profile
                unchanged.at = current.at
                return unchanged == current ? [] : [.profileUpdated(profile)]

            case .verify(let mentorID, let principal, let now):
                guard principal.isAdministrator else { throw .forbidden("only an admin can verify mentors") }
                guard state.exists else { throw .notFound("no mentor with id \(mentorID)") }
                if state.verified { return [] }
                return [.verified(Verified(mentorId: mentorID, verifiedBy: principal.userID, at: now))]

            case .recordRating(let mentorID, let sessionID, let rating, let now):
                guard state.exists else { throw .notFound("no mentor with id \(mentorID)") }
                if state.ratings[sessionID] != nil { return [] }
                return [.rated(Rated(mentorId: mentorID, sessionId: sessionID, rating: rating, at: now))]
            }
        }

        private static func languages(_ codes: [String]) throws(FieldError) -> [String] {
            if codes.isEmpty { throw FieldError("languages", "languages must list at least one language, e.g. [\"fr\"]") }
            if codes.count > 20 { throw FieldError("languages", "languages may list at most 20 items") }
            var result: [String] = []
            for (index, code) in codes.enumerated() {
                let normalized = try Validate.languageCode(code, "languages[\(index)]")
                if !result.contains(normalized) { result.append(normalized) }
            }
            return result
        }

        public static func evolve(_ state: State, _ event: Event) -> State {
            var state = state
            switch event {
            case .registered(let profile), .profileUpdated(let profile):
                state.mentorID = profile.mentorId
                state.profile = profile
            case .verified:
                state.verified = true
            case .rated(let rated):
                state.ratings[rated.sessionId] = rated.rating
            }
            return state
        }
    }
}
