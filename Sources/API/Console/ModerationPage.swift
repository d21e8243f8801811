import Domain
import Foundation
import Hummingbird
import ReadModels

/// `GET /console/moderation`: join requests waiting, the newest posts (to remove, or to ban
/// their author) and the bans; the forms run the API's community commands, whose decider rules
/// who may moderate (platform moderators and admins everywhere).
struct ModerationPage: ConsolePages {
    let communities: CommunityQueries
    let profiles: ProfileQueries
    let commands: CommandExecutor

    func addRoutes(to routes: ConsoleRoutes) {
        routes.get("moderation", .moderation) { request, _, visit in try page(request, visit) }
        routes.post("moderation/communities/{id}/requests/{userId}/approve", .moderation) { _, context, visit in
            try await run(context, visit, done: "approved") { user, principal, now in .approveJoin(userID: user, by: principal, now: now) }
        }
        routes.post("moderation/communities/{id}/requests/{userId}/reject", .moderation) { _, context, visit in
            try await run(context, visit, done: "rejected") { user, principal, now in .rejectJoin(userID: user, by: principal, now: now) }
        }
        routes.post("moderation/communities/{id}/members/{userId}/ban", .moderation) { _, context, visit in
            try await run(context, visit, done: "banned") { user, principal, now in .ban(userID: user, by: principal, now: now) }
        }
        routes.post("moderation/communities/{id}/posts/{postId}/remove", .moderation) { _, context, visit in
            let postID = try context.parameters.uuid("postId", what: "post")
            return try await run(context, visit, done: "removed", target: nil) { _, principal, now in .removePost(postID: postID, by: principal, now: now) }
        }
    }

    func page(_ request: Request, _ visit: ConsoleVisit) throws -> Response {
        let w = visit.language
        let query = QueryParameters(request)
        let pages = try ["requests", "posts", "bans"].map { try query.page(cursor: $0, defaultLimit: Self.pageSize) }
        let limit = pages[0].limit
        let requestPage = try communities.pendingJoinRequests(pages[0])
        let postPage = try communities.recentPosts(pages[1])
        let banPage = try communities.bans(pages[2])
        let requests = requestPage.items.map { item -> HTML in
            let base = "/console/moderation/communities/\(item.communityId)/requests/\(item.userId)"
            return """
                <tr><td>\(item.communityName)</td><td>\(name(of: item.userId))</td><td>\(item.requestedAt)</td>\
                <td>\(ConsoleLayout.form(visit, action: base + "/approve", button: w("Accepter", "Approve"))) \
                \(ConsoleLayout.form(visit, action: base + "/reject", button: w("Refuser", "Reject"), buttonClass: "danger"))</td></tr>
                """
        }
        let posts = postPage.items.map { post -> HTML in
            let community = "/console/moderation/communities/\(post.communityId)"
            return """
                <tr data-post="\(post.id)"><td>\(post.communityName)</td><td><strong>\(post.title ?? "")</strong><br>\(String(post.body.prefix(280)))</td>\
                <td>\(name(of: post.authorId))<br>\(post.createdAt)</td>\
                <td>\(ConsoleLayout.form(visit, action: community + "/posts/\(post.id)/remove", button: w("Retirer", "Remove"), buttonClass: "danger")) \
                \(ConsoleLayout.form(visit, action: community + "/members/\(post.authorId)/ban", button: w("Bannir l'auteur", "Ban the author"), buttonClass: "danger",
                                     confirm: w("Bannir définitivement cette personne de la communauté ?", "Ban this person from the community for good?")))</td></tr>
                """
        }
        let bans = banPage.items.map { ban -> HTML in
            "<tr><td>\(ban.communityName)</td><td>\(name(of: ban.userId))</td><td>\(ban.bannedAt)</td></tr>"
        }
        let done = request.uri.queryParameters["done"].map(String.init)
        let notice: String? = switch done {
        case "approved": w("Demande acceptée.", "Request approved.")
        case "rejected": w("Demande refusée.", "Request rejected.")
        case "banned": w("Membre banni.", "Member banned.")
        case "removed": w("Publication retirée.", "Post removed.")
        default: nil
        }
        let none: HTML = "<tr><td colspan=\"4\">\(w("Rien à traiter.", "Nothing to handle."))</td></tr>"
        let main: HTML = """
            \(ConsoleLayout.notice(notice))
            <h2>\(w("Demandes d'adhésion", "Join requests"))</h2>
            <div class="table"><table id="requests"><thead><tr><th>\(w("Communauté", "Community"))</th><th>\(w("Personne", "Person"))</th>\
            <th>\(w("Demandée le", "Requested"))</th><th></th></tr></thead><tbody>\(requests.isEmpty ? [none] : requests)</tbody></table></div>
            \(more(requestPage.nextCursor, list: "requests", limit: limit, w))
            <h2>\(w("Publications récentes", "Recent posts"))</h2>
            <div class="table"><table id="posts"><thead><tr><th>\(w("Communauté", "Community"))</th><th>\(w("Publication", "Post"))</th>\
            <th>\(w("Auteur", "Author"))</th><th></th></tr></thead><tbody>\(posts.isEmpty ? [none] : posts)</tbody></table></div>
            \(more(postPage.nextCursor, list: "posts", limit: limit, w))
            <h2>\(w("Bannissements", "Bans"))</h2>
            <div class="table"><table id="bans"><thead><tr><th>\(w("Communauté", "Community"))</th><th>\(w("Personne", "Person"))</th>\
            <th>\(w("Le", "On"))</th></tr></thead><tbody>\(bans.isEmpty ? [none] : bans)</tbody></table></div>
            \(more(banPage.nextCursor, list: "bans", limit: limit, w))
            """
        return ConsoleResponse.html(ConsoleLayout.page(w("Modération", "Moderation"), language: w, visit: visit, current: "/console/moderation", main: main))
    }

    /// Rows per list and page.
    static let pageSize = 50

    /// The link to a list's next page (each list pages on its own), or nothing on its last page.
    private func more(_ cursor: String?, list: String, limit: Int, _ w: ConsoleLanguage) -> HTML {
        guard let cursor else { return .empty }
        let target = "/console/moderation?limit=\(limit)&\(list)=\(cursor)"
        return "<p class=\"pages\"><a rel=\"next\" id=\"more-\(list)\" href=\"\(target)\">\(w("Suivants", "More")) →</a></p>"
    }

    /// A person as the queue shows them: their name, or the start of their id when they have none
    /// (an erased person) or it cannot be read.
    private func name(of userID: String) -> String {
        let profile = UUID(uuidString: userID).flatMap { try? profiles.profile(of: $0)?.profile }
        let name = [profile?.firstName, profile?.lastName].compactMap { $0 }.joined(separator: " ")
        return name.isEmpty ? String(userID.prefix(8)) : name
    }

    /// Runs a community command as the visitor (the API's command path), then back to the queue.
    private func run(
        _ context: AppRequestContext, _ visit: ConsoleVisit, done: String, target: String? = "userId",
        _ command: (UUID, Principal, Date) -> Communities.Command
    ) async throws -> Response {
        let communityID = try context.parameters.uuid("id", what: "community")
        let user = try target.map { try context.parameters.uuid($0, what: "user") } ?? communityID
        _ = try await commands.execute(
            command(user, visit.principal, commands.now()), on: Communities.self, stream: StreamName.community(communityID), by: visit.principal
        )
        return ConsoleResponse.redirect("/console/moderation?done=\(done)")
    }
}
