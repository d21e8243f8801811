public import EventSourcing
public import Foundation

extension Mentoring {
    /// A session's status, as the contract spells it.
    public enum SessionStatus: String, Codable, Sendable, Hashable, CaseIterable {
        case requested, accepted, declined, cancelled
        case inProgress = "in_progress"
        case completed
    }

    /// Which side of a session someone is on.
    public enum Party: String, Codable, Sendable, Hashable {
        case mentor, mentee
    }

    /// One mentoring session. Stream `session-<sessionId>`.
    ///
    /// Rules: a request names a verified mentor other than the mentee, lasts 15–240 minutes, starts
    /// after `now`, and falls entirely inside the mentor's weekly availability read in the mentor's
    /// time zone. Only the mentor accepts or declines; acceptance re-checks both calendars. Either
    /// party may cancel until completion; either may start it from 15 minutes before the scheduled
    /// start; the mentor completes it from the scheduled start on. Each party may leave feedback once,
    /// within 14 days of completion.
    public enum Session: Decider {
        public typealias Rejection = Mentoring.Rejection

        /// Shortest bookable session, in minutes.
        public static let minimumMinutes = 15
        /// Longest bookable session, in minutes.
        public static let maximumMinutes = 240
        /// How early before the scheduled start a party may start the session.
        public static let earlyStart: TimeInterval = 15 * 60
        /// How long after completion feedback is accepted.
        public static let feedbackWindow: TimeInterval = 14 * 86_400

        /// What `POST /mentors/request` carries.
        public struct Request: Sendable, Equatable {
            public var sessionID: UUID
            public var mentorID: UUID
            public var title: String
            public var description: String?
            public var scheduledAt: Date
            public var durationMinutes: Int

            public init(sessionID: UUID, mentorID: UUID, title: String, description: String? = nil, scheduledAt: Date, durationMinutes: Int) {
                self.sessionID = sessionID
                self.mentorID = mentorID
                self.title = title
                self.description = description
                self.scheduledAt = scheduledAt
                self.durationMinutes = durationMinutes
            }
        }

        /// What a session's stream remembers.
        public struct State: Sendable, Equatable {
            /// `nil` until requested.
            public var status: SessionStatus?
            public var sessionID: UUID?
            public var mentorID: UUID?
            public var menteeID: UUID?
            public var range: TimeRange?
            public var completedAt: Date?
            /// Who already left feedback.
            public var feedbackFrom: Set<Party> = []

            /// Which side `userID` is on, if any.
            public func party(of userID: UUID?) -> Party? {
                guard let userID else { return nil }
                if userID == mentorID { return .mentor }
                if userID == menteeID { return .mentee }
                return nil
            }
        }

        /// What callers ask of a session. Facts from other streams ride along (`mentor`, calendars).
        public enum Command: Sendable, Equatable {
            /// Ask a mentor for a session; `mentor` is the mentor's current state.
            case request(Request, mentor: Mentor.State, by: Principal, now: Date)
            /// The mentor accepts; the calendars are both parties' current bookings.
            case accept(mentorCalendar: BookingCalendar.State, menteeCalendar: BookingCalendar.State, by: Principal, now: Date)
            /// The mentor declines a request.
            case decline(reason: String?, by: Principal, now: Date)
            /// Either party calls it off, before completion.
            case cancel(reason: String?, by: Principal, now: Date)
            /// Either party starts it.
            case start(by: Principal, now: Date)
            /// The mentor marks it done.
            case complete(by: Principal, now: Date)
            /// A party rates the other (1–5) after completion.
            case giveFeedback(rating: Int, comment: String?, by: Principal, now: Date)
        }

        public static var initialState: State { State() }
    }
}
