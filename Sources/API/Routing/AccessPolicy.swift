import Domain

/// The one place that says which role may call which route (RBAC).
///
/// Keys are `"METHOD /path"` exactly as routes are registered. `RouteTable` refuses to register a
/// route missing here, so a new endpoint cannot ship without a decision. Ownership ("only your own
/// profile", "self or admin") is checked by the handler on top of this, and says so in `note`.
public enum AccessPolicy {
    /// The rule of every route.
    public static let rules: [String: Access] = [
        // Operations
        "GET /health": .anonymous,
        "GET /metrics": .scraper,
        "GET /openapi.json": .anonymous,
        "PUT /admin/users/{id}/role": .admin,

        // Replication: nodes authenticate with the replication secret, checked by the handler
        // (constant time); operators read the cluster's state.
        "GET /replication/stream": .anonymous,
        "GET /replication/blob/{hash}": .anonymous,
        "POST /replication/confirm": .anonymous,
        "GET /replication/status": .anonymous,
        "GET /replication/hash": .anonymous,
        "GET /replication/journal": .anonymous,
        "POST /replication/fence": .anonymous,
        "GET /admin/replication": .admin,
        "GET /admin/archive": .admin,
        "POST /admin/replication/promote": .admin,

        // Auth
        "POST /auth/register": .anonymous,
        "POST /auth/login": .anonymous,
        "POST /auth/refresh": .anonymous,
        "POST /auth/logout": .anonymous,
        "POST /auth/forgot-password": .anonymous,
        "POST /auth/reset-password": .anonymous,
        "GET /auth/verify-email": .anonymous,
        // The pages of the mailed links (the token in the link is the credential)
        "GET /reset-password": .anonymous,
        "POST /reset-password": .anonymous,
        "GET /pages/style.css": .anonymous,
        "POST /auth/2fa/enable": .signedIn,
        "POST /auth/2fa/verify": .signedIn,
        "POST /auth/2fa/disable": .signedIn,
        // OpenID Connect sign-in (the browser comes back without a token; state and cookie bind it)
        "GET /auth/oidc/providers": .anonymous,
        "GET /auth/oidc/{name}/start": .anonymous,
        "GET /auth/oidc/{name}/callback": .anonymous,
        "POST /auth/oidc/exchange": .anonymous,
        "GET /users/me/identities": .signedIn,
        "POST /users/me/identities/{name}": .signedIn,
        "DELETE /users/me/identities/{name}": .signedIn,

        // Users (own data only: the handlers act on the caller)
        "GET /users/profile": .signedIn,
        "PUT /users/profile": .signedIn,
        "GET /users/{id}/public": .anonymous,
        "GET /users/me/export": .signedIn,
        "GET /users/search": .signedIn,

        // Recommendations (the caller's own; admins may name another user)
        "POST /ai/recommendations/career": .signedIn,
        "POST /ai/recommendations/scholarships": .signedIn,
        "POST /ai/recommendations/mentors": .signedIn,
        "GET /ai/insights/{userId}": .signedIn,
        "POST /ai/chat": .signedIn,
        "POST /users/upload-avatar": .signedIn,
        "GET /users/avatars/{hash}": .anonymous,
        "PUT /users/preferences": .signedIn,
        "DELETE /users/me": .signedIn,
        // Calendar subscriptions: the feed's URL carries its secret (apps cannot send a token)
        "POST /users/calendar-feed": .signedIn,
        "GET /calendar/{file}": .anonymous,

        // Mentors, scholarships, admin operations (issue #7). Session actions are open to any
        // signed-in user: the Mentoring deciders refuse non-parties (403) and wrong states (409).
        "POST /mentors": .signedIn,
        "GET /mentors/available": .signedIn,
        "POST /mentors/request": .signedIn,
        "POST /mentors/sessions/{id}/accept": .signedIn,
        "POST /mentors/sessions/{id}/decline": .signedIn,
        "POST /mentors/sessions/{id}/cancel": .signedIn,
        "POST /mentors/sessions/{id}/complete": .signedIn,
        "GET /mentors/sessions": .signedIn,
        "POST /mentors/sessions/{id}/feedback": .signedIn,
        "GET /mentors/calendar": .signedIn,
        "POST /mentors/{id}/verify": .admin,
        "GET /scholarships": .signedIn,
        "GET /scholarships/{id}": .signedIn,
        "POST /scholarships": .admin,
        "PUT /scholarships/{id}": .admin,
        "POST /scholarships/{id}/close": .admin,
        "GET /admin/audit": .admin,
        "GET /admin/projections": .admin,
        "POST /admin/projections/{name}/rebuild": .admin,
        "GET /admin/analytics": .admin,
        "GET /admin/alerts": .admin,

        // Communities and events (who may moderate a community, or post in it, is the decider's
        // rule: owner, community moderator, platform moderator, admin; members only for posts)
        "GET /communities": .signedIn,
        "POST /communities": .signedIn,
        "GET /communities/{id}": .signedIn,
        "POST /communities/{id}/join": .signedIn,
        "POST /communities/{id}/requests/{userId}/approve": .signedIn,
        "POST /communities/{id}/requests/{userId}/reject": .signedIn,
        "POST /communities/{id}/leave": .signedIn,
        "GET /communities/{id}/posts": .signedIn,
        "POST /communities/{id}/posts": .signedIn,
        "DELETE /communities/{id}/posts/{postId}": .signedIn,
        "POST /communities/{id}/members/{userId}/ban": .signedIn,
        "GET /communities/{id}/members": .signedIn,
        "GET /communities/{id}/live": .signedIn,
        "GET /events": .signedIn,
        "POST /events": .roles([.mentor, .moderator, .admin]),
        "GET /events/calendar": .signedIn,
        "GET /events/{id}": .signedIn,
        "POST /events/{id}/register": .signedIn,
        "DELETE /events/{id}/register": .signedIn,

        // Notifications (the caller's own inbox only: the handlers act on the caller)
        "GET /notifications": .signedIn,
        "POST /notifications/{id}/read": .signedIn,
        "POST /notifications/read-all": .signedIn,
        "GET /notifications/live": .signedIn,
    ]

    /// The rule for a route, or `nil` when the policy does not know it.
    public static func rule(method: String, path: String) -> Access? {
        rules["\(method) \(path)"]
    }
}
