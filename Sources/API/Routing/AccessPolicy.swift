import Cryptography
import Domain
import EventLog
import EventSourcing
import Foundation
import Hummingbird
import Logging
import ReadModels

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
        "GET /metrics": .anonymous,
        "GET /openapi.json": .anonymous,
        "PUT /admin/users/{id}/role": .admin,

        // Auth
        "POST /auth/register": .anonymous,
        "POST /auth/login": .anonymous,
        "POST /auth/refresh": .anonymous,
        "POST /auth/logout": .anonymous,
        "POST /auth/forgot-password": .anonymous,
        "POST /auth/reset-password": .anonymous,
        "GET /auth/verify-email": .anonymous,
        "POST /auth/2fa/enable": .signedIn,
        "POST /auth/2fa/verify": .signedIn,

        // Users (own data only: the handlers act on the caller)
        "GET /users/profile": .signedIn,
        "PUT /users/profile": .signedIn,
        "GET /users/{id}/public": .anonymous,
        "GET /users/me/export": .signedIn,
        "POST /users/upload-avatar": .signedIn,
        "GET /users/avatars/{hash}": .anonymous,
        "PUT /users/preferences": .signedIn,
        "DELETE /users/me": .signedIn,
    ]

    /// The rule for a route, or `nil` when the policy does not know it.
    public static func rule(method: String, path: String) -> Access? {
        rules["\(method) \(path)"]
    }
}
