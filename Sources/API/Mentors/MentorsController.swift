import Cryptography
import Domain
import EventSourcing
import Foundation
import Hummingbird
import ReadModels

/// `/mentors/*`: becoming a mentor, finding one, booking sessions and their life (accept,
/// decline, cancel, complete, feedback), the caller's sessions and calendar, and verification.
///
/// Session commands are decided by `Mentoring.decide(_:session:mentorCalendar:menteeCalendar:mentor:)`
/// over the session, both parties' calendars and the mentor, appended atomically: two acceptances
/// that would double-book someone cannot both pass (the calendar's version is checked on append).
struct MentorsController {
    let commands: CommandExecutor
    let mentors: MentorQueries
    let sessions: SessionQueries

    /// The longest calendar window one request may ask for.
    static let maxCalendarWindow: TimeInterval = 400 * 86_400

    func addRoutes(to routes: RouteTable) {
        routes.add(.post, "/mentors", RouteDocumentation(
            "Become a mentor, or replace the caller's mentor profile; a student's role becomes mentor", tag: "Mentors",
            request: .ref("MentorApplication"), status: 201, response: .ref("MentorRegistered")
        )) { request, context in try await apply(&request, context) }
        routes.add(.get, "/mentors/available", RouteDocumentation(
            "Verified mentors, best Bayesian rating first, by expertise, language and a time window", tag: "Mentors",
            response: .page(.ref("Mentor")),
            query: ["expertise": .text, "language": .text, "from": .dateTime, "to": .dateTime, "limit": .integer(minimum: 1, maximum: 100), "cursor": .text]
        )) { request, context in try available(request) }
        routes.add(.post, "/mentors/request", RouteDocumentation(
            "Ask a verified mentor for a session inside their weekly availability", tag: "Mentors",
            request: .ref("SessionRequest"), status: 201, response: .ref("SessionStatus")
        )) { request, context in try await requestSession(&request, context) }
        for action in ["accept", "decline", "cancel", "complete"] {
            routes.add(.post, "/mentors/sessions/{id}/\(action)", RouteDocumentation(
                Self.summaries[action]!, tag: "Mentors",
                request: action == "decline" || action == "cancel" ? .ref("SessionReason") : nil, response: .ref("SessionStatus")
            )) { request, context in try await act(action, &request, context) }
        }
        routes.add(.get, "/mentors/sessions", RouteDocumentation(
            "The caller's sessions, as mentor or mentee, newest scheduled start first", tag: "Mentors",
            response: .page(.ref("Session")),
            query: ["status": .oneOf(Mentoring.SessionStatus.self), "as": .string(values: ["mentor", "mentee"]),
                    "limit": .integer(minimum: 1, maximum: 100), "cursor": .text]
        )) { request, context in try sessions(request, context) }
        routes.add(.post, "/mentors/sessions/{id}/feedback", RouteDocumentation(
            "Rate the other party of a completed session (once each); the mentee's rating rates the mentor", tag: "Mentors",
            request: .ref("Feedback"), status: 204
        )) { request, context in try await feedback(&request, context) }
        routes.add(.get, "/mentors/calendar", RouteDocumentation(
            "The caller's sessions in a time window, as JSON or iCalendar (Accept: text/calendar)", tag: "Mentors",
            response: .object(["items": .array(.ref("CalendarEntry"))], required: ["items"]),
            query: ["from": .dateTime, "to": .dateTime], alternateMediaType: "text/calendar"
        )) { request, context in try calendar(request, context) }
        routes.add(.post, "/mentors/{id}/verify", RouteDocumentation(
            "Vouch for a mentor (admin); only verified mentors are listed and bookable", tag: "Mentors", status: 204
        )) { request, context in try await verify(context) }
    }

    static let summaries = [
        "accept": "The mentor accepts a requested session (409 naming the session it would overlap)",
        "decline": "The mentor declines a requested session, optionally with a reason",
        "cancel": "Either party (or an admin) calls off a session before completion",
        "complete": "The mentor marks the session done, from its scheduled start on",
    ]

    // MARK: Mentors

    func apply(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let principal = (try context.requirePrincipal())
        let application = try await request.decodeJSON(MentorBody.self).application()
        let now = commands.now()
        var outcome = MentorRegistered(mentorId: user.id.uuidString.lowercased(), status: "unchanged", role: user.role)
        let position = try await commands.execute(by: principal) { (states: StreamStates) throws(Mentoring.Rejection) in
            let mentorStream = StreamName.mentor(user.id), accountStream = StreamName.account(user.id)
            let mentor = states.state(of: Mentoring.Mentor.self, stream: mentorStream)
            let events = try Mentoring.Mentor.decide(.apply(application, by: principal, now: now), mentor)
            // Mentor is a self-service role (as at sign-up): a student who becomes a mentor gets it in
            // the same append, granted by the system; moderators and admins keep theirs.
            let account = states.state(of: Identity.Account.self, stream: accountStream)
            var roleEvents: [Identity.Account.Event] = []
            if account.role == .student {
                do throws(Identity.Account.Rejection) {
                    roleEvents = try Identity.Account.decide(.grantRole(.mentor, by: .system, now: now), account)
                } catch {
                    throw Mentoring.Rejection(category: error.category, message: error.message, field: error.field)
                }
            }
            outcome.status = mentor.exists ? (events.isEmpty ? "unchanged" : "updated") : "registered"
            outcome.role = account.role == .student ? .mentor : account.role
            return [StreamEvents(mentorStream, events), StreamEvents(accountStream, roleEvents)]
        }
        return try JSONResponse.command(outcome, status: outcome.status == "registered" ? .created : .ok, position: position)
    }

    func available(_ request: Request) throws -> Response {
        let query = QueryParameters(request)
        let expertise = try query.string("expertise", maxLength: 100)
        let language = try query.string("language", maxLength: 10)
        let from = try query.date("from"), to = try query.date("to")
        if let from, let to, to <= from { throw APIError.invalid("to", "to must be after from") }
        let page = try query.page()
        let mentors = try mentors.available(expertise: expertise, language: language, from: from, to: to, page: page)
        return try JSONResponse.json(mentors)
    }

    func verify(_ context: AppRequestContext) async throws -> Response {
        let mentorID = try context.parameters.uuid("id", what: "mentor")
        let committed = try await commands.execute(
            .verify(mentorID: mentorID, by: (try context.requirePrincipal()), now: commands.now()),
            on: Mentoring.Mentor.self, stream: StreamName.mentor(mentorID), by: context.principal
        )
        return JSONResponse.command(position: committed.position)
    }

    // MARK: Sessions

    func requestSession(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let principal = (try context.requirePrincipal())
        let body = try await request.decodeJSON(SessionRequestBody.self)
        let mentorID = try body.mentorID()
        let sessionID = SecureRandom.timeOrderedUUID()
        let now = commands.now()
        let details = Mentoring.Session.Request(
            sessionID: sessionID, mentorID: mentorID, title: body.title, description: body.description,
            scheduledAt: body.scheduledAt, durationMinutes: body.durationMinutes
        )
        let decided = try await commands.decideSession(sessionID, mentorID: mentorID, by: principal) { mentor, _, _ in
            .request(details, mentor: mentor, by: principal, now: now)
        }
        let answer = SessionRequested(sessionId: sessionID.uuidString.lowercased(), status: decided.status ?? .requested)
        return try JSONResponse.command(answer, status: .created, position: decided.position)
    }

    func act(_ action: String, _ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let principal = (try context.requirePrincipal())
        let sessionID = try context.parameters.uuid("id", what: "session")
        var reason: String?
        if action == "decline" || action == "cancel" {
            let bytes = try await request.collectBody(limit: Request.maxJSONBytes)
            if bytes.readableBytes > 0 { reason = try JSONInput.decode(SessionReasonBody.self, from: Data(bytes.readableBytesView)).reason }
        }
        let now = commands.now()
        let decided = try await commands.decideSession(sessionID, by: principal) { _, mentorCalendar, menteeCalendar in
            switch action {
            case "accept": .accept(mentorCalendar: mentorCalendar, menteeCalendar: menteeCalendar, by: principal, now: now)
            case "decline": .decline(reason: reason, by: principal, now: now)
            case "cancel": .cancel(reason: reason, by: principal, now: now)
            default: .complete(by: principal, now: now)
            }
        }
        let answer = SessionChanged(sessionId: sessionID.uuidString.lowercased(), status: decided.status ?? .requested)
        return try JSONResponse.command(answer, position: decided.position)
    }

    func feedback(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let principal = (try context.requirePrincipal())
        let sessionID = try context.parameters.uuid("id", what: "session")
        let body = try await request.decodeJSON(FeedbackBody.self)
        let now = commands.now()
        let decided = try await commands.decideSession(sessionID, by: principal) { _, _, _ in
            .giveFeedback(rating: body.rating, comment: body.comment, by: principal, now: now)
        }
        return JSONResponse.command(position: decided.position)
    }

    func sessions(_ request: Request, _ context: AppRequestContext) throws -> Response {
        let user = try context.requireUser()
        let query = QueryParameters(request)
        let status = try query.value("status", as: Mentoring.SessionStatus.self)
        var party: Mentoring.Party?
        if let side = try query.string("as", maxLength: 10) {
            guard let value = Mentoring.Party(rawValue: side.lowercased()) else {
                throw APIError.badRequest("`as` must be one of: mentor, mentee", field: "as")
            }
            party = value
        }
        let page = try query.page()
        let list = try sessions.sessions(of: user.id, as: party, status: status, page: page)
        return try JSONResponse.json(list)
    }

    func calendar(_ request: Request, _ context: AppRequestContext) throws -> Response {
        let user = try context.requireUser()
        let query = QueryParameters(request)
        let now = commands.now()
        let from = try query.date("from") ?? now.addingTimeInterval(-30 * 86_400)
        let to = try query.date("to") ?? from.addingTimeInterval(180 * 86_400)
        guard to > from else { throw APIError.invalid("to", "to must be after from") }
        guard to.timeIntervalSince(from) <= Self.maxCalendarWindow else {
            throw APIError.invalid("to", "the window from `from` to `to` may span at most 400 days")
        }
        let entries = try sessions.calendar(of: user.id, from: from, to: to)
        guard ICalendar.isRequested(by: request) else { return try JSONResponse.json(CalendarPage(items: entries)) }
        return ICalendar.response(name: "ProTalent mentoring", events: entries.map(Self.icalendarEvent))
    }

    /// The calendar's JSON body.
    struct CalendarPage: Encodable {
        var items: [SessionCalendarEntry]
    }

    /// A session as a `VEVENT`: requested → TENTATIVE; declined, cancelled → CANCELLED (clients
    /// drop it); accepted, in progress, completed → CONFIRMED.
    static func icalendarEvent(_ entry: SessionCalendarEntry) -> ICalendar.Event {
        let status: ICalendar.Status = switch entry.status {
        case .requested: .tentative
        case .declined, .cancelled: .cancelled
        case .accepted, .inProgress, .completed: .confirmed
        }
        let start = Timestamp.parse(entry.start) ?? Date(timeIntervalSince1970: 0)
        let with = entry.counterpart.name.map { " with \($0)" } ?? ""
        return ICalendar.Event(
            uid: entry.uid, sequence: entry.sequence, status: status, start: start, end: Timestamp.parse(entry.end) ?? start,
            summary: "Mentoring: \(entry.title)\(with)", description: entry.description, stamp: Timestamp.parse(entry.updatedAt) ?? start
        )
    }
}
