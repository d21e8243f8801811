import Domain
import Foundation
import Hummingbird
import ReadModels

/// `/notifications/*`: the caller's inbox (newest first, with the unread count), read marks (one,
/// or everything so far), and new notifications live (SSE).
///
/// Every route acts on the caller's own inbox: the queries are asked for the caller's id only, so
/// another person's notification is a 404, never a 403 that would say it exists. Read marks are
/// `Inbox` events on the caller's `inbox-<userId>` stream.
struct NotificationsController {
    let commands: CommandExecutor
    let notifications: NotificationQueries
    let live: NotificationLiveFeeds

    func addRoutes(to routes: RouteTable) {
        let tag = "Notifications"
        routes.add(.get, "/notifications", RouteDocumentation(
            "The caller's notifications, newest first, in their language, with the unread count", tag: tag,
            response: .object([
                "items": .array(.ref("Notification")), "nextCursor": .nullable(.text), "unread": .integer(minimum: 0),
            ], required: ["items", "nextCursor", "unread"]),
            query: ["unread": .boolean, "limit": .integer(minimum: 1, maximum: 100), "cursor": .text]
        )) { request, context in try list(request, context) }
        routes.add(.post, "/notifications/{id}/read", RouteDocumentation(
            "Mark one of the caller's notifications read", tag: tag, status: 204
        )) { request, context in try await markRead(context) }
        routes.add(.post, "/notifications/read-all", RouteDocumentation(
            "Mark every notification the caller has so far read", tag: tag, status: 204
        )) { request, context in try await markAllRead(context) }
        routes.add(.get, "/notifications/live", readsModels: false, RouteDocumentation(
            "New notifications as server-sent events (`event: notification`, `id:` = the notification id; send `Last-Event-ID` to resume)",
            tag: tag, alternateMediaType: "text/event-stream"
        )) { request, context in try live(request, context) }
    }

    func list(_ request: Request, _ context: AppRequestContext) throws -> Response {
        let user = try context.requireUser()
        let parameters = QueryParameters(request)
        let unreadOnly = try parameters.boolean("unread") ?? false
        let page = try parameters.page()
        if let cursor = page.cursor, Int64(cursor.id) == nil {
            throw APIError.badRequest("`cursor` is not a cursor this server issued; start again without it", field: "cursor")
        }
        let found = try notifications.inbox(of: user.id, unreadOnly: unreadOnly, page: page)
        let language = NotificationText.Language(try notifications.language(of: user.id))
        return try JSONResponse.json(NotificationInbox(
            items: found.items.map { NotificationView($0, language: language) }, nextCursor: found.nextCursor,
            unread: try notifications.unreadCount(of: user.id)
        ))
    }

    func markRead(_ context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), id > 0, try notifications.notification(id, of: user.id) != nil else {
            throw APIError.notFound("you have no notification with id \(text.prefix(32))")
        }
        let committed = try await commands.execute(
            .markRead(notificationID: id, by: try context.requirePrincipal(), now: commands.now()), on: Inbox.self,
            stream: StreamName.inbox(user.id), by: context.principal
        )
        return JSONResponse.command(position: committed.position)
    }

    func markAllRead(_ context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        // Everything the log holds now: a notification still being projected is read too, one
        // made by a later event is not.
        let committed = try await commands.execute(
            .markAllRead(upTo: commands.head, by: try context.requirePrincipal(), now: commands.now()), on: Inbox.self,
            stream: StreamName.inbox(user.id), by: context.principal
        )
        return JSONResponse.command(position: committed.position)
    }

    func live(_ request: Request, _ context: AppRequestContext) throws -> Response {
        let user = try context.requireUser()
        let resume = try ServerSentEvents.resumeID(of: request, what: "a notification id")
        let token = ServerSentEvents.viewer(of: user, in: context)
        let feed = try live.feed(viewer: token, queries: notifications)
        // Without an id, only what comes from now on: notifications so far are in GET /notifications.
        return feed.response(after: min(resume ?? commands.head, commands.head))
    }
}
