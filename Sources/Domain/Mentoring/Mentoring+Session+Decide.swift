import EventSourcing
import Foundation

extension Mentoring.Session {
    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        if case .request(let request, let mentor, let principal, let now) = command {
            return try self.request(request, mentor: mentor, by: principal, now: now)
        }
        guard let status = state.status, let sessionID = state.sessionID, let range = state.range,
              let mentorID = state.mentorID, let menteeID = state.menteeID
        else { throw .notFound("no such session") }
        switch command {
        case .request:
            throw .conflict("this session was already requested")

        case .accept(let mentorCalendar, let menteeCalendar, let principal, let now):
            guard principal.isUser(mentorID) else { throw .forbidden("only the mentor can accept this session") }
            guard status == .requested else { throw .conflict("only a requested session can be accepted; it is \(status.rawValue)") }
            guard now < range.start else { throw .conflict("the requested time has passed; ask the mentee for a new request") }
            if let other = mentorCalendar.conflict(with: range, excluding: sessionID) {
                throw .conflict("the mentor is already booked at this time in session \(other.uuidString.lowercased())")
            }
            if let other = menteeCalendar.conflict(with: range, excluding: sessionID) {
                throw .conflict("the mentee is already booked at this time in session \(other.uuidString.lowercased())")
            }
            return [.accepted(Accepted(
                sessionId: sessionID, mentorId: mentorID, menteeId: menteeID, scheduledAt: range.start, endsAt: range.end, at: now
            ))]

        case .decline(let reason, let principal, let now):
            guard principal.isUser(mentorID) else { throw .forbidden("only the mentor can decline this session") }
            guard status == .requested else { throw .conflict("only a requested session can be declined; it is \(status.rawValue)") }
            let text = try Rejection.check { () throws(FieldError) in try Validate.optionalText(reason, "reason", max: 1000) }
            return [.declined(Ended(sessionId: sessionID, by: mentorID, reason: text.map(Personal.init), at: now))]

        case .cancel(let reason, let principal, let now):
            guard state.party(of: principal.userID) != nil || principal.isAdministrator else {
                throw .forbidden("only the mentor or the mentee can cancel this session")
            }
            guard [.requested, .accepted, .inProgress].contains(status) else {
                throw .conflict("a \(status.rawValue) session can no longer be cancelled")
            }
            let text = try Rejection.check { () throws(FieldError) in try Validate.optionalText(reason, "reason", max: 1000) }
            return [.cancelled(Ended(sessionId: sessionID, by: principal.userID, reason: text.map(Personal.init), at: now))]

        case .start(let principal, let now):
            guard let userID = principal.userID, state.party(of: userID) != nil else {
                throw .forbidden("only the mentor or the mentee can start this session")
            }
            guard status == .accepted else { throw .conflict("only an accepted session can start; it is \(status.rawValue)") }
            guard now >= range.start.addingTimeInterval(-earlyStart) else {
                throw .conflict("the session can start from 15 minutes before \(range.start.formatted(.iso8601))")
            }
            return [.started(Progressed(sessionId: sessionID, by: userID, at: now))]

        case .complete(let principal, let now):
            guard principal.isUser(mentorID) else { throw .forbidden("only the mentor can complete this session") }
            guard status == .accepted || status == .inProgress else {
                throw .conflict("only an accepted or started session can be completed; it is \(status.rawValue)")
            }
            guard now >= range.start else {
                throw .conflict("the session can be completed from its scheduled start, \(range.start.formatted(.iso8601))")
            }
            return [.completed(Progressed(sessionId: sessionID, by: mentorID, at: now))]

        case .giveFeedback(let rating, let comment, let principal, let now):
            guard let userID = principal.userID, let party = state.party(of: userID) else {
                throw .forbidden("only the mentor or the mentee can give feedback on this session")
            }
            guard status == .completed, let completedAt = state.completedAt else {
                throw .conflict("feedback opens once the session is completed")
            }
            guard !state.feedbackFrom.contains(party) else { throw .conflict("you already gave feedback on this session") }
            guard now.timeIntervalSince(completedAt) <= feedbackWindow else {
                throw .conflict("feedback closes 14 days after the session was completed")
            }
            let (score, text) = try Rejection.check { () throws(FieldError) in
                (try Validate.integer(rating, "rating", in: 1...5), try Validate.optionalText(comment, "comment", max: 2000))
            }
            return [.feedbackGiven(FeedbackGiven(
                sessionId: sessionID, authorId: userID, authorRole: party, recipientId: party == .mentor ? menteeID : mentorID,
                rating: score, comment: text.map(Personal.init), at: now
            ))]
        }
    }

    private static func request(_ r: Request, mentor: Mentoring.Mentor.State, by principal: Principal, now: Date) throws(Rejection) -> [Event] {
        guard let menteeID = principal.userID else { throw .forbidden("only a signed-in user can request a session") }
        guard menteeID != r.mentorID else { throw .invalid("mentorId", "you cannot book a session with yourself") }
        guard let availability = mentor.availability else { throw .notFound("no mentor with id \(r.mentorID)") }
        guard mentor.verified else { throw .conflict("this mentor is not verified yet; only verified mentors can be booked", field: "mentorId") }
        let (title, description, minutes) = try Rejection.check { () throws(FieldError) in
            (
                try Validate.text(r.title, "title", max: 200),
                try Validate.optionalText(r.description, "description", max: 2000),
                try Validate.integer(r.durationMinutes, "durationMinutes", in: minimumMinutes...maximumMinutes)
            )
        }
        guard r.scheduledAt > now else { throw .invalid("scheduledAt", "scheduledAt must be in the future") }
        let range = TimeRange(start: r.scheduledAt, minutes: minutes)
        guard availability.covers(start: range.start, end: range.end) else {
            throw .invalid("scheduledAt", "the session must fall entirely inside the mentor's availability (times in \(availability.timeZone))")
        }
        return [.requested(Requested(
            sessionId: r.sessionID, mentorId: r.mentorID, menteeId: menteeID, title: Personal(title),
            description: description.map(Personal.init), scheduledAt: r.scheduledAt, durationMinutes: minutes, at: now
        ))]
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var state = state
        switch event {
        case .requested(let e):
            state.status = .requested
            state.sessionID = e.sessionId
            state.mentorID = e.mentorId
            state.menteeID = e.menteeId
            state.range = TimeRange(start: e.scheduledAt, minutes: e.durationMinutes)
        case .accepted: state.status = .accepted
        case .declined: state.status = .declined
        case .cancelled: state.status = .cancelled
        case .started: state.status = .inProgress
        case .completed(let e):
            state.status = .completed
            state.completedAt = e.at
        case .feedbackGiven(let e):
            state.feedbackFrom.insert(e.authorRole)
        }
        return state
    }
}
