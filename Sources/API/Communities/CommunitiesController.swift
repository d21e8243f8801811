import Cryptography
import Domain
import Foundation
import Hummingbird
import ReadModels

/// `/communities/*`: create and browse communities, join (or ask to join) and leave, answer join
/// requests, post and remove posts, ban members, list members, and follow new posts live (SSE).
///
/// Commands go through the `Communities` decider (which refuses what the domain forbids:
/// non-members posting, banned users, moderation by non-moderators); reads come from the
/// `communities` read model, whose `CommunityAccess` keeps private communities to their members.
struct CommunitiesController {
    let commands: CommandExecutor
    let communities: CommunityQueries
    let live: CommunityLiveFeeds

    func addRoutes(to routes: RouteTable) {
        let tag = "Communities"
        let id = "{id}"
        routes.add(.get, "/communities", RouteDocumentation(
            "Browse communities, alphabetically, filtered by category, country and text", tag: tag,
            response: .page(.ref("Community")),
            query: ["category": .oneOf(Communities.Category.self), "country": .text, "q": .text, "limit": .integer(minimum: 1, maximum: 100), "cursor": .text]
        )) { request, context in try list(request, context) }
        routes.add(.post, "/communities", RouteDocumentation(
            "Create a community; the caller becomes its owner and first member", tag: tag,
            request: .ref("CommunityCreate"), status: 201, response: .object(["communityId": .uuid], required: ["communityId"])
        )) { request, context in try await create(&request, context) }
        routes.add(.get, "/communities/\(id)", RouteDocumentation(
            "A community, with the caller's standing in it (`viewerMembership`)", tag: tag, response: .ref("Community")
        )) { request, context in try detail(context) }
        routes.add(.post, "/communities/\(id)/join", RouteDocumentation(
            "Join a public community, or ask to join a private one (the owner or a moderator answers)", tag: tag,
            status: 200, response: .object(["status": .string(values: ["member", "pending"])], required: ["status"])
        )) { request, context in try await join(context) }
        routes.add(.post, "/communities/\(id)/requests/{userId}/approve", RouteDocumentation(
            "Approve a pending join request (owner, community moderator, platform moderator or admin)", tag: tag, status: 204
        )) { request, context in try await answer(context, approve: true) }
        routes.add(.post, "/communities/\(id)/requests/{userId}/reject", RouteDocumentation(
            "Reject a pending join request (owner, community moderator, platform moderator or admin)", tag: tag, status: 204
        )) { request, context in try await answer(context, approve: false) }
        routes.add(.post, "/communities/\(id)/leave", RouteDocumentation(
            "Leave a community (the owner cannot leave)", tag: tag, status: 204
        )) { request, context in try await leave(context) }
        routes.add(.get, "/communities/\(id)/posts", RouteDocumentation(
            "A community's posts, newest first (private community: members only)", tag: tag,
            response: .page(.ref("CommunityPost")), query: ["limit": .integer(minimum: 1, maximum: 100), "cursor": .text]
        )) { request, context in try posts(request, context) }
        routes.add(.post, "/communities/\(id)/posts", RouteDocumentation(
            "Publish a post (members only)", tag: tag,
            request: .ref("PostCreate"), status: 201, response: .object(["postId": .uuid], required: ["postId"])
        )) { request, context in try await publish(&request, context) }
        routes.add(.delete, "/communities/\(id)/posts/{postId}", RouteDocumentation(
            "Remove a post (its author, a community or platform moderator, the owner, an admin)", tag: tag, status: 204
        )) { request, context in try await removePost(context) }
        routes.add(.post, "/communities/\(id)/members/{userId}/ban", RouteDocumentation(
            "Ban a member: removed, cannot post nor join again (owner, community or platform moderator, admin)", tag: tag, status: 204
        )) { request, context in try await ban(context) }
        routes.add(.get, "/communities/\(id)/members", RouteDocumentation(
            "A community's members, oldest first (private community: members only)", tag: tag,
            response: .page(.ref("CommunityMember")), query: ["limit": .integer(minimum: 1, maximum: 100), "cursor": .text]
        )) { request, context in try members(request, context) }
        routes.add(.get, "/communities/\(id)/live", readsModels: false, RouteDocumentation(
            "New posts as server-sent events (`event: post`, `id:` = log position; send `Last-Event-ID` to resume)", tag: tag,
            alternateMediaType: "text/event-stream"
        )) { request, context in try live(request, context) }
    }

    // MARK: Reads

    func list(_ request: Request, _ context: AppRequestContext) throws -> Response {
        let parameters = QueryParameters(request)
        let filter = CommunityFilter(
            category: try parameters.value("category", as: Communities.Category.self),
            country: try parameters.string("country", maxLength: 3), query: try parameters.string("q")
        )
        let page = try parameters.page()
        return try JSONResponse.json(try communities.list(filter, page: page))
    }

    func detail(_ context: AppRequestContext) throws -> Response {
        let user = try context.requireUser()
        let communityID = try context.parameters.uuid("id", what: "community")
        let community = try communities.community(id: communityID, viewer: user.id)
        return try JSONResponse.json(try community.orNotFound("community", id: communityID))
    }

    func posts(_ request: Request, _ context: AppRequestContext) throws -> Response {
        let communityID = try context.parameters.uuid("id", what: "community")
        let page = try QueryParameters(request).page()
        let answer = try communities.posts(in: communityID, viewer: context.principal, page: page)
        return try JSONResponse.json(try Self.granted(answer, communityID))
    }

    func members(_ request: Request, _ context: AppRequestContext) throws -> Response {
        let communityID = try context.parameters.uuid("id", what: "community")
        let page = try QueryParameters(request).page()
        let answer = try communities.members(of: communityID, viewer: context.principal, page: page)
        return try JSONResponse.json(try Self.granted(answer, communityID))
    }

    func live(_ request: Request, _ context: AppRequestContext) throws -> Response {
        let user = try context.requireUser()
        let communityID = try context.parameters.uuid("id", what: "community")
        // The same rule as the posts list: refuse before the stream starts, with a problem.
        let access = try communities.posts(in: communityID, viewer: context.principal, page: PageRequest(limit: 1))
        _ = try Self.granted(access, communityID)
        let resume = try ServerSentEvents.resumeID(of: request, what: "a log position")
        let token = ServerSentEvents.viewer(of: user, in: context)
        let feed = try live.feed(of: communityID, viewer: token, communities: communities)
        // An id beyond the head (a client of an older data directory) resumes at the head.
        let head = commands.head
        return feed.response(after: min(resume ?? head, head))
    }

    /// The value of a granted community read; 404 or 403 otherwise.
    static func granted<Value>(_ access: CommunityAccess<Value>, _ communityID: UUID) throws(APIError) -> Value {
        switch access {
        case .granted(let value): return value
        case .notFound: return try Optional<Value>.none.orNotFound("community", id: communityID)
        case .notAMember: throw .forbidden("this community is private: only its members can read it; ask to join first")
        }
    }

    // MARK: Commands

    func create(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let details = try await request.decodeJSON(CreateCommunityBody.self).details()
        let communityID = SecureRandom.timeOrderedUUID()
        let committed = try await run(.create(communityID: communityID, details, by: (try context.requirePrincipal()), now: commands.now()), communityID, context)
        return try JSONResponse.command(CommunityCreated(communityId: communityID.uuidString.lowercased()), status: .created, position: committed.position)
    }

    func join(_ context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let communityID = try context.parameters.uuid("id", what: "community")
        let committed = try await run(.join(by: (try context.requirePrincipal()), now: commands.now()), communityID, context)
        let status: JoinAnswer.Status = committed.state.members[user.id] != nil ? .member : .pending
        return try JSONResponse.command(JoinAnswer(status: status), position: committed.position)
    }

    func answer(_ context: AppRequestContext, approve: Bool) async throws -> Response {
        _ = try context.requireUser()
        let communityID = try context.parameters.uuid("id", what: "community")
        let userID = try context.parameters.uuid("userId", what: "join request from user")
        let now = commands.now()
        let command: Communities.Command = approve
            ? .approveJoin(userID: userID, by: (try context.requirePrincipal()), now: now) : .rejectJoin(userID: userID, by: (try context.requirePrincipal()), now: now)
        return JSONResponse.command(position: try await run(command, communityID, context).position)
    }

    func leave(_ context: AppRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let communityID = try context.parameters.uuid("id", what: "community")
        return JSONResponse.command(position: try await run(.leave(by: (try context.requirePrincipal()), now: commands.now()), communityID, context).position)
    }

    func publish(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let communityID = try context.parameters.uuid("id", what: "community")
        let body = try await request.decodeJSON(CreatePostBody.self)
        let postID = SecureRandom.timeOrderedUUID()
        let committed = try await run(
            .post(postID: postID, title: body.title, body: body.body, by: (try context.requirePrincipal()), now: commands.now()), communityID, context
        )
        return try JSONResponse.command(PostCreated(postId: postID.uuidString.lowercased()), status: .created, position: committed.position)
    }

    func removePost(_ context: AppRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let communityID = try context.parameters.uuid("id", what: "community")
        let postID = try context.parameters.uuid("postId", what: "post")
        let committed = try await run(.removePost(postID: postID, by: (try context.requirePrincipal()), now: commands.now()), communityID, context)
        return JSONResponse.command(position: committed.position)
    }

    func ban(_ context: AppRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let communityID = try context.parameters.uuid("id", what: "community")
        let userID = try context.parameters.uuid("userId", what: "member")
        let committed = try await run(.ban(userID: userID, by: (try context.requirePrincipal()), now: commands.now()), communityID, context)
        return JSONResponse.command(position: committed.position)
    }

    /// Runs `command` on the community's stream.
    private func run(_ command: Communities.Command, _ communityID: UUID, _ context: AppRequestContext) async throws(APIError) -> Committed<Communities.State> {
        try await commands.execute(command, on: Communities.self, stream: StreamName.community(communityID), by: context.principal)
    }
}
