import Cryptography
import Domain
import Foundation
import Hummingbird
import ReadModels

/// `/events/*`: create and browse events, register (a seat or a waitlist place) and cancel, and
/// the caller's calendar as JSON or iCalendar.
///
/// Commands go through the `Gathering` decider (registration closes at the start, a full event
/// waitlists, a cancellation promotes the first waitlisted in the same append); reads come from
/// the `events` read model.
struct EventsController {
    let commands: CommandExecutor
    let events: EventQueries

    /// The calendar's default window: from this long ago…
    static let calendarPast: TimeInterval = 90 * 86_400
    /// …to this far ahead.
    static let calendarAhead: TimeInterval = 366 * 86_400

    func addRoutes(to routes: RouteTable) {
        let tag = "Events"
        routes.add(.get, "/events", RouteDocumentation(
            "Browse events by start date (default: upcoming, from now), filtered by type, dates, online and text", tag: tag,
            response: .page(.ref("Event")),
            query: ["type": .oneOf(Gathering.Kind.self), "from": .dateTime, "to": .dateTime, "online": .boolean, "q": .text,
                    "limit": .integer(minimum: 1, maximum: 100), "cursor": .text]
        )) { request, context in try list(request, context) }
        routes.add(.post, "/events", RouteDocumentation(
            "Create an event (mentor, moderator, admin)", tag: tag,
            request: .ref("EventCreate"), status: 201, response: .object(["eventId": .uuid], required: ["eventId"])
        )) { request, context in try await create(&request, context) }
        routes.add(.get, "/events/calendar", RouteDocumentation(
            "The caller's events (JSON; iCalendar with `Accept: text/calendar`): stable UID, SEQUENCE bumped on change, STATUS:CANCELLED",
            tag: tag, response: .object(["items": .array(.ref("EventCalendarEntry")), "nextCursor": .nullable(.text)], required: ["items"]),
            query: ["from": .dateTime, "to": .dateTime], alternateMediaType: "text/calendar"
        )) { request, context in try calendar(request, context) }
        routes.add(.get, "/events/{id}", RouteDocumentation(
            "An event, with seats left, waitlist length and the caller's registration", tag: tag, response: .ref("Event")
        )) { request, context in try detail(context) }
        routes.add(.post, "/events/{id}/register", RouteDocumentation(
            "Register: a seat, or past capacity a place on the waitlist (409 twice or after the start)", tag: tag,
            status: 200, response: .ref("EventRegistration")
        )) { request, context in try await register(context) }
        routes.add(.delete, "/events/{id}/register", RouteDocumentation(
            "Cancel the caller's registration or waitlist place; a freed seat goes to the first waitlisted", tag: tag, status: 204
        )) { request, context in try await cancelRegistration(context) }
    }

    // MARK: Reads

    func list(_ request: Request, _ context: AppRequestContext) throws -> Response {
        let parameters = QueryParameters(request)
        let filter = EventFilter(
            type: try parameters.value("type", as: Gathering.Kind.self),
            from: try parameters.date("from") ?? commands.now(), to: try parameters.date("to"),
            online: try parameters.boolean("online"), query: try parameters.string("q")
        )
        let page = try parameters.page()
        return try JSONResponse.json(try events.list(filter, page: page))
    }

    func detail(_ context: AppRequestContext) throws -> Response {
        let user = try context.requireUser()
        let eventID = try context.parameters.uuid("id", what: "event")
        let event = try events.event(id: eventID, viewer: user.id)
        return try JSONResponse.json(try event.orNotFound("event", id: eventID))
    }

    func calendar(_ request: Request, _ context: AppRequestContext) throws -> Response {
        let user = try context.requireUser()
        let parameters = QueryParameters(request)
        let now = commands.now()
        let from = try parameters.date("from") ?? now.addingTimeInterval(-Self.calendarPast)
        let to = try parameters.date("to") ?? now.addingTimeInterval(Self.calendarAhead)
        guard from < to else { throw APIError.badRequest("`from` must be before `to`", field: "from") }
        let entries = try events.calendar(for: user.id, from: from, to: to)
        guard ICalendar.isRequested(by: request) else {
            return try JSONResponse.json(Page(items: entries, nextCursor: nil))
        }
        return ICalendar.response(name: "ProTalent events", events: entries.compactMap(Self.icalendarEvent))
    }

    /// A calendar entry as a `VEVENT` (`nil` only if the read model held an unreadable time).
    static func icalendarEvent(_ entry: EventCalendarEntry) -> ICalendar.Event? {
        guard let start = Timestamp.parse(entry.start), let end = Timestamp.parse(entry.end),
              let stamp = Timestamp.parse(entry.updatedAt) ?? Timestamp.parse(entry.start)
        else { return nil }
        return ICalendar.Event(
            uid: entry.uid, sequence: entry.sequence, status: entry.status == .confirmed ? .confirmed : .cancelled,
            start: start, end: end, summary: entry.title, description: entry.description, location: entry.location,
            url: entry.url, stamp: stamp
        )
    }

    // MARK: Commands

    func create(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let details = try await request.decodeJSON(CreateEventBody.self).details()
        let eventID = SecureRandom.timeOrderedUUID()
        let committed = try await run(.create(eventID: eventID, details, by: (try context.requirePrincipal()), now: commands.now()), eventID, context)
        return try JSONResponse.command(EventCreated(eventId: eventID.uuidString.lowercased()), status: .created, position: committed.position)
    }

    func register(_ context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let eventID = try context.parameters.uuid("id", what: "event")
        let committed = try await run(.register(by: (try context.requirePrincipal()), now: commands.now()), eventID, context)
        let answer: EventRegistrationStatus = if let index = committed.state.waitlist.firstIndex(of: user.id) {
            EventRegistrationStatus(status: .waitlisted, waitlistPosition: index + 1)
        } else {
            EventRegistrationStatus(status: .registered)
        }
        return try JSONResponse.command(answer, position: committed.position)
    }

    func cancelRegistration(_ context: AppRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let eventID = try context.parameters.uuid("id", what: "event")
        let committed = try await run(.cancelRegistration(by: (try context.requirePrincipal()), now: commands.now()), eventID, context)
        return JSONResponse.command(position: committed.position)
    }

    /// Runs `command` on the event's stream.
    private func run(_ command: Gathering.Command, _ eventID: UUID, _ context: AppRequestContext) async throws(APIError) -> Committed<Gathering.State> {
        try await commands.execute(command, on: Gathering.self, stream: StreamName.gathering(eventID), by: context.principal)
    }
}
