public import Domain

/// Who may call a route: declared once per route in `AccessPolicy`.
public enum Access: Sendable, Hashable {
    /// Anyone, signed in or not.
    case anonymous
    /// Any signed-in user.
    case signedIn
    /// Signed-in users with one of these roles.
    case roles(Set<Role>)

    /// Admins only.
    public static var admin: Access { .roles([.admin]) }

    /// Whether `principal` passes, or the error that refuses it (401 when anonymous, 403 when the role is wrong).
    public func check(_ principal: Principal?) throws(APIError) {
        switch self {
        case .anonymous:
            return
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
