import Foundation

extension Mentoring {
    /// The events of a session command, per stream, for one atomic append.
    ///
    /// Streams: `session` → `session-<sessionId>`, `mentorCalendar` → `calendar-<mentorId>`,
    /// `menteeCalendar` → `calendar-<menteeId>`, `mentor` → `mentor-<mentorId>`. Empty lists need no append.
    public struct SessionDecision: Sendable, Equatable {
        public var session: [Session.Event]
        public var mentorCalendar: [BookingCalendar.Event] = []
        public var menteeCalendar: [BookingCalendar.Event] = []
        public var mentor: [Mentor.Event] = []
    }

    /// Decides a session command together with the streams it touches: acceptance books both
    /// calendars, cancellation of a booked session frees them, a mentee's feedback rates the mentor.
    ///
    /// - Parameters:
    ///   - mentorCalendar, menteeCalendar: the parties' calendars (needed for accept and cancel).
    ///   - mentor: the mentor's state (needed for feedback).
    public static func decide(
        _ command: Session.Command, session: Session.State,
        mentorCalendar: BookingCalendar.State = BookingCalendar.initialState,
        menteeCalendar: BookingCalendar.State = BookingCalendar.initialState,
        mentor: Mentor.State = Mentor.initialState
    ) throws(Rejection) -> SessionDecision {
        let events = try Session.decide(command, session)
        var decision = SessionDecision(session: events)
        guard let sessionID = session.sessionID, let mentorID = session.mentorID, let menteeID = session.menteeID,
              let range = session.range
        else { return decision }
        for event in events {
            switch event {
            case .accepted(let e):
                decision.mentorCalendar = try BookingCalendar.decide(.book(userID: mentorID, sessionID: sessionID, range, now: e.at), mentorCalendar)
                decision.menteeCalendar = try BookingCalendar.decide(.book(userID: menteeID, sessionID: sessionID, range, now: e.at), menteeCalendar)
            case .cancelled(let e):
                decision.mentorCalendar = try BookingCalendar.decide(.release(userID: mentorID, sessionID: sessionID, now: e.at), mentorCalendar)
                decision.menteeCalendar = try BookingCalendar.decide(.release(userID: menteeID, sessionID: sessionID, now: e.at), menteeCalendar)
            case .feedbackGiven(let e) where e.authorRole == .mentee:
                decision.mentor = try Mentor.decide(.recordRating(mentorID: mentorID, sessionID: sessionID, rating: e.rating, now: e.at), mentor)
            default:
                break
            }
        }
        return decision
    }
}
