import EventSourcing
import Foundation

extension Gathering {
    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        if case .create(let eventID, let details, let principal, let now) = command {
            guard state.eventID == nil else { throw .conflict("this event already exists") }
            guard principal == .system || [.mentor, .moderator, .admin].contains(principal.role) else {
                throw .forbidden("only mentors, moderators and admins can create events")
            }
            return [.created(try created(eventID, details, by: principal, now: now))]
        }
        guard let eventID = state.eventID, let start = state.startDate else { throw .notFound("no such event") }
        switch command {
        case .create:
            preconditionFailure("handled above")

        case .register(let principal, let now):
            guard let userID = principal.userID else { throw .forbidden("only a signed-in user can register") }
            guard !state.cancelled else { throw .conflict("this event was cancelled") }
            guard now < start else { throw .conflict("registration closed when the event started") }
            guard !state.registered.contains(userID) else { throw .conflict("you are already registered") }
            guard !state.waitlist.contains(userID) else { throw .conflict("you are already on the waitlist") }
            // A full event is not an error: the registrant waits in line.
            if state.hasFreeSeat && state.waitlist.isEmpty {
                return [.registered(Registration(eventId: eventID, userId: userID, at: now))]
            }
            return [.waitlisted(Waitlisted(eventId: eventID, userId: userID, position: state.waitlist.count + 1, at: now))]

        case .cancelRegistration(let principal, let now):
            guard let userID = principal.userID else { throw .forbidden("only a signed-in user can cancel a registration") }
            if state.waitlist.contains(userID) { return [.waitlistLeft(Registration(eventId: eventID, userId: userID, at: now))] }
            guard state.registered.contains(userID) else { throw .notFound("you are not registered for this event") }
            guard now < start else { throw .conflict("the event has started; registrations can no longer be cancelled") }
            var events: [Event] = [.registrationCancelled(Registration(eventId: eventID, userId: userID, at: now))]
            if !state.cancelled, let first = state.waitlist.first {
                events.append(.waitlistPromoted(Registration(eventId: eventID, userId: first, at: now)))
            }
            return events

        case .cancel(let reason, let principal, let now):
            guard principal.isUser(state.creatorID ?? UUID()) || principal.isAdministrator else {
                throw .forbidden("only the creator or an admin can cancel this event")
            }
            if state.cancelled { return [] }
            let text = try Rejection.check { () throws(FieldError) in try Validate.optionalText(reason, "reason", max: 1000) }
            return [.cancelled(Cancelled(eventId: eventID, cancelledBy: principal.userID, reason: text, at: now))]
        }
    }

    private static func created(_ id: UUID, _ d: Details, by principal: Principal, now: Date) throws(Rejection) -> Created {
        try Rejection.check { () throws(FieldError) in
            let title = try Validate.text(d.title, "title", max: 200)
            let description = try Validate.optionalText(d.description, "description", max: 5000)
            guard d.startDate > now else { throw FieldError("startDate", "startDate must be in the future") }
            guard d.startDate < d.endDate else { throw FieldError("endDate", "endDate must be after startDate") }
            let location = try Validate.optionalText(d.location, "location", max: 200)
            var meetingURL: String?
            if d.isOnline {
                guard let url = d.meetingUrl, !url.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw FieldError("meetingUrl", "an online event needs a meetingUrl")
                }
                meetingURL = try WebURL.validated(url, "meetingUrl")
            } else if location == nil {
                throw FieldError("location", "an in-person event needs a location")
            }
            if let max = d.maxParticipants, max < 1 { throw FieldError("maxParticipants", "maxParticipants must be at least 1") }
            return Created(
                eventId: id, createdBy: principal.userID, title: title, description: description, eventType: d.eventType,
                startDate: d.startDate, endDate: d.endDate, isOnline: d.isOnline, location: location, meetingUrl: meetingURL,
                maxParticipants: d.maxParticipants, at: now
            )
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var state = state
        switch event {
        case .created(let e):
            state.eventID = e.eventId
            state.creatorID = e.createdBy
            state.startDate = e.startDate
            state.maxParticipants = e.maxParticipants
        case .registered(let e): state.registered.append(e.userId)
        case .waitlisted(let e): state.waitlist.append(e.userId)
        case .registrationCancelled(let e): state.registered.removeAll { $0 == e.userId }
        case .waitlistLeft(let e): state.waitlist.removeAll { $0 == e.userId }
        case .waitlistPromoted(let e):
            state.waitlist.removeAll { $0 == e.userId }
            state.registered.append(e.userId)
        case .cancelled: state.cancelled = true
        }
        return state
    }
}
