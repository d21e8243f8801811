public import Domain

/// Who may call a route: declared once per route in `AccessPolicy`.
public enum Access: Sendable, Hashable {
    /// Anyone, signed in or not.
    case anonymous
    /// Any signed-in user.
    case signedIn
    /// Signed-in users with one of these roles.
    case roles(Set<Role>)
    /// Admins, or a request bearing the operator's scrape token (`PROTALENT_METRICS_TOKEN`): what
    /// Prometheus uses for `/metrics`, which is good for nothing else.
    case scraper

    /// Admins only.
    public static var admin: Access { .roles([.admin]) }

    /// Whether `principal` (or a scraper, when `scraper` is true) passes, or the error that refuses
    /// it (401 when anonymous, 403 when the role is wrong).
    public func check(_ principal: Principal?, scraper: Bool = false) throws(APIError) {
        switch self {
        case .anonymous:
            return
        case .scraper:
            if scraper { return }
            try Access.admin.check(principal)
        case .signedIn:
            guard principal != nil else { throw .unauthenticated("sign in: send `Authorization: Bearer <accessToken>`") }
        case .roles(let roles):
            guard let principal else { throw .unauthenticated("sign in: send `Authorization: Bearer <accessToken>`") }
            guard let role = principal.role, roles.contains(role) else {
                let names = roles.map(\.rawValue).sorted().joined(separator: " or ")
                throw .forbidden("this action needs the role \(names)")
            }
        }
    }
}
