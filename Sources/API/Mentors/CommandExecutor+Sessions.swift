import Domain
import EventSourcing
import Foundation

extension CommandExecutor {
    /// Decides `command` over the session, both calendars and the mentor, and appends what each
    /// stream gets in one atomic append; returns the position and the session's new status.
    ///
    /// - Parameter requested: the mentor of a session being requested (known sessions name their own).
    func decideSession(
        _ sessionID: UUID, mentorID requested: UUID? = nil, by principal: Principal,
        _ command: (Mentoring.Mentor.State, Mentoring.BookingCalendar.State, Mentoring.BookingCalendar.State) -> Mentoring.Session.Command
    ) async throws(APIError) -> (position: Int64, status: Mentoring.SessionStatus?) {
        var status: Mentoring.SessionStatus?
        let position = try await execute(by: principal) { (states: StreamStates) throws(Mentoring.Rejection) in
            let sessionStream = StreamName.session(sessionID)
            let session = states.state(of: Mentoring.Session.self, stream: sessionStream)
            guard let mentorID = session.mentorID ?? requested, let menteeID = session.menteeID ?? principal.userID else {
                throw .notFound("no session with id \(sessionID.uuidString.lowercased())")
            }
            let streams = (mentor: StreamName.mentor(mentorID), mentorCalendar: StreamName.calendar(mentorID), menteeCalendar: StreamName.calendar(menteeID))
            let mentor = states.state(of: Mentoring.Mentor.self, stream: streams.mentor)
            let mentorCalendar = states.state(of: Mentoring.BookingCalendar.self, stream: streams.mentorCalendar)
            let menteeCalendar = states.state(of: Mentoring.BookingCalendar.self, stream: streams.menteeCalendar)
            let decision = try Mentoring.decide(
                command(mentor, mentorCalendar, menteeCalendar), session: session,
                mentorCalendar: mentorCalendar, menteeCalendar: menteeCalendar, mentor: mentor
            )
            status = decision.session.reduce(session, Mentoring.Session.evolve).status
            return [
                StreamEvents(sessionStream, decision.session), StreamEvents(streams.mentorCalendar, decision.mentorCalendar),
                StreamEvents(streams.menteeCalendar, decision.menteeCalendar), StreamEvents(streams.mentor, decision.mentor),
            ]
        }
        return (position, status)
    }
}
