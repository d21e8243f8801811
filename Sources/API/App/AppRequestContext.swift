public import Domain
public import Foundation
public import Hummingbird

/// The request context of every ProTalent route: Hummingbird's core storage, plus who is calling.
///
/// `principal` is set by `AuthenticationMiddleware` from a valid bearer token; each route's
/// `AccessMiddleware` has already refused the callers its policy excludes.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in caller, or `nil` for an anonymous request.
    public var principal: Principal?
    /// The id of the access token used (its `jti`), for logs and revocation.
    public var tokenID: String?
    /// Why the bearer token sent was refused, answered by routes that need a caller.
    public var authenticationFailure: APIError?
    /// Whether the request bears the operator's scrape token (`/metrics` only).
    public var isScraper = false
    /// When the access token used stops being accepted (a live feed ends then).
    public var accessExpiresAt: Date?
    /// The access generation the token was issued at (a live feed re-checks it as it runs).
    public var accessGeneration: Int?
    /// The client's address (for per-IP rate limits and alerts), without port: the peer's, or the
    /// one a trusted proxy forwarded for (`ForwardedForMiddleware`); `nil` in router tests.
    public internal(set) var peerAddress: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peerAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Bodies are collected by `Request.decodeJSON` with the route's own cap (1 MiB JSON, 2 MiB
    /// avatars); this is the hard ceiling above both.
    public var maxUploadSize: Int { 2 * 1024 * 1024 + 64 * 1024 }

    /// The signed-in caller, or a 401 (for handlers behind a signed-in access rule).
    public func requirePrincipal() throws(APIError) -> Principal {
        guard let principal else { throw .unauthenticated("sign in: send `Authorization: Bearer <accessToken>`") }
        return principal
    }

    /// The signed-in user's id, or a 401.
    public func requireUser() throws(APIError) -> (id: UUID, role: Role) {
        guard case .user(let id, let role) = principal else {
            throw .unauthenticated("sign in: send `Authorization: Bearer <accessToken>`")
        }
        return (id, role)
    }
}

