import Cryptography
import Domain
import Foundation
import Hummingbird
import ReadModels

/// Calendar subscriptions: `POST /users/calendar-feed` gives the caller a secret URL (calling again
/// rotates it: the old URL stops working), and `GET /calendar/{secret}.ics` serves their mentoring
/// sessions and registered events as iCalendar without a bearer token, for Google Calendar and
/// Outlook, which poll a URL and cannot sign in.
///
/// The secret is `cf1.<user id>.<32 random bytes>`: the id finds the account, whose state holds the
/// SHA-256 of the one secret that works (compared in constant time).
struct CalendarFeedController {
    let commands: CommandExecutor
    let sessions: SessionQueries
    let events: EventQueries
    /// `PROTALENT_PUBLIC_URL`, the start of the feed URL.
    let publicURL: String

    /// How far back and ahead a feed reaches.
    static let past: TimeInterval = 90 * 86_400
    static let ahead: TimeInterval = 365 * 86_400

    struct FeedURL: Encodable { var url: String }

    func addRoutes(to routes: RouteTable) {
        routes.add(.post, "/users/calendar-feed", RouteDocumentation(
            "A new secret iCalendar URL of my sessions and events (the previous one stops working)", tag: "Users",
            response: .object(["url": .text], required: ["url"])
        )) { _, context in try await issue(context) }
        routes.add(.get, "/calendar/{file}", RouteDocumentation(
            "A calendar feed (`{secret}.ics`): the person's sessions and registered events, RFC 5545; no bearer token",
            tag: "Users", alternateMediaType: "text/calendar"
        )) { _, context in try feed(context) }
    }

    func issue(_ context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let secret = "cf1.\(TokenService.compact(user.id)).\(Base64URL.encode(SecureRandom.bytes(count: 32)))"
        let committed = try await commands.execute(
            .issueCalendarFeed(secretHash: Self.hash(secret), by: try context.requirePrincipal(), now: commands.now()),
            on: Identity.Account.self, stream: StreamName.account(user.id), by: context.principal
        )
        return try JSONResponse.command(FeedURL(url: "\(publicURL)/calendar/\(secret).ics"), position: committed.position, headers: JSONResponse.noStore)
    }

    func feed(_ context: AppRequestContext) throws -> Response {
        let unknown = APIError.notFound("no such calendar feed (it may have been replaced by a newer URL)")
        guard let file = context.parameters.get("file"), file.hasSuffix(".ics"), file.utf8.count <= 200 else { throw unknown }
        let secret = String(file.dropLast(4))
        let parts = secret.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "cf1", let userID = TokenService.expand(parts[1]) else { throw unknown }
        let state = try commands.load(Identity.Account.self, stream: StreamName.account(userID))
        guard state.status == .active, let expected = state.calendarFeedHash,
              ConstantTime.equals(Array(Self.hash(secret).utf8), Array(expected.utf8))
        else { throw unknown }
        let now = commands.now()
        let from = now.addingTimeInterval(-Self.past), to = now.addingTimeInterval(Self.ahead)
        let entries = try sessions.calendar(of: userID, from: from, to: to).map(MentorsController.icalendarEvent)
            + (try events.calendar(for: userID, from: from, to: to)).compactMap(EventsController.icalendarEvent)
        var response = ICalendar.response(name: "ProTalent", events: entries.sorted { $0.start < $1.start })
        // Calendar apps poll; a shared cache must never keep one person's calendar.
        response.headers[.cacheControl] = "private, max-age=300"
        return response
    }

    static func hash(_ secret: String) -> String {
        SHA256.hash(Array(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
