import Cryptography
public import Domain
public import Foundation

/// Issues and checks the credentials of the API: JWT access tokens, opaque refresh tokens, and the
/// single-use tokens mailed for email verification and password reset.
///
/// Opaque tokens carry the ids needed to find their account (`rt1.<user>.<family>.<secret>`,
/// `mt1.<user>.<secret>`) and 256 secret bits — random for a login's first refresh token and mailed
/// tokens, derived from the spent token under a server key for each refresh token after it —; only
/// their SHA-256 is ever stored (as events), so a leaked log yields no usable token.
public struct TokenService: Sendable {
    /// Access tokens live 15 minutes.
    public static let accessLifetime: TimeInterval = 15 * 60
    /// A refresh token lives 30 days (each use replaces it).
    public static let refreshLifetime: TimeInterval = 30 * 86_400
    /// Verification links live 48 hours.
    public static let verificationLifetime: TimeInterval = 48 * 3_600
    /// Reset links live 1 hour.
    public static let resetLifetime: TimeInterval = 3_600

    let jwt: JWT
    let successorKey: [UInt8]

    /// A service signing with `signingKey` (at least 32 bytes) and deriving refresh tokens' successors
    /// with `successorKey` (`ServerSecrets.refreshSuccessorKey`).
    public init(signingKey: [UInt8], successorKey: [UInt8]) throws {
        self.jwt = try JWT(key: signingKey)
        self.successorKey = successorKey
    }

    /// A signed access token for `userID` with `role`, issued at `now` at the account's access
    /// `generation` (`Identity.Account.State.accessGeneration`, carried as the `gen` claim).
    public func accessToken(userID: UUID, role: Role, generation: Int, now: Date) throws -> String {
        let issued = Int64(now.timeIntervalSince1970)
        return try jwt.sign(JWTClaims(
            subject: userID.uuidString.lowercased(), role: role.rawValue, issuedAt: issued,
            expiresAt: issued + Int64(Self.accessLifetime), id: SecureRandom.uuid().uuidString.lowercased(),
            extra: ["gen": String(generation)]
        ))
    }

    /// What a verified access token says: who, at which access generation, until when.
    public struct VerifiedAccess: Sendable {
        /// The account and the role the token was issued with.
        public var principal: Principal
        /// The token's id (`jti`).
        public var tokenID: String
        /// The account's access generation when the token was issued.
        public var generation: Int
        /// When the token stops being accepted.
        public var expiresAt: Date
    }

    /// The caller an access token names (its signature and lifetime checked), or why it is refused.
    /// Whether the account still grants that access is `AccountAccess`'s to say.
    public func verifyAccessToken(_ token: String, now: Date) throws(APIError) -> VerifiedAccess {
        let claims: JWTClaims
        do {
            claims = try jwt.verify(token, now: Int64(now.timeIntervalSince1970), leeway: 5)
        } catch {
            throw .unauthenticated(error.isExpiry
                ? "the access token has expired; refresh it with POST /auth/refresh"
                : "the access token is not valid; log in again")
        }
        guard let id = UUID(uuidString: claims.subject), let role = Role(rawValue: claims.role),
              let generation = Int(claims.extra["gen"] ?? "")
        else {
            throw .unauthenticated("the access token is not valid; log in again")
        }
        return VerifiedAccess(
            principal: .user(id, role), tokenID: claims.id, generation: generation,
            expiresAt: Date(timeIntervalSince1970: TimeInterval(claims.expiresAt))
        )
    }

    /// The first refresh token of a new family `familyID` for `userID` (a login).
    public func refreshToken(userID: UUID, familyID: UUID, now: Date) -> (token: String, issued: IssuedToken) {
        Self.refreshToken(userID: userID, familyID: familyID, secret: SecureRandom.bytes(count: 32), now: now)
    }

    /// The refresh token that follows `token` in its family: HMAC-derived from it, so every request
    /// presenting `token` computes the same successor (concurrent refreshes of one client get one
    /// answer) while nobody without the server key can.
    public func successor(of token: String, now: Date) -> (token: String, issued: IssuedToken)? {
        guard let parsed = parseRefreshToken(token) else { return nil }
        let secret = HMAC.authenticationCode(for: Array(token.utf8), key: successorKey)
        return Self.refreshToken(userID: parsed.userID, familyID: parsed.familyID, secret: secret, now: now)
    }

    private static func refreshToken(userID: UUID, familyID: UUID, secret: [UInt8], now: Date) -> (token: String, issued: IssuedToken) {
        let token = "rt1.\(compact(userID)).\(compact(familyID)).\(Base64URL.encode(secret))"
        return (token, IssuedToken(tokenHash: hash(token), expiresAt: now.addingTimeInterval(refreshLifetime)))
    }

    /// The account and family a refresh token names (not yet checked against the log).
    public func parseRefreshToken(_ token: String) -> (userID: UUID, familyID: UUID, hash: String)? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 200, parts.count == 4, parts[0] == "rt1",
              let user = Self.expand(parts[1]), let family = Self.expand(parts[2]), parts[3].utf8.count == 43
        else { return nil }
        return (user, family, Self.hash(token))
    }

    /// A mailed single-use token for `userID`, valid for `lifetime`.
    public func mailToken(userID: UUID, lifetime: TimeInterval, now: Date) -> (token: String, issued: IssuedToken) {
        let token = "mt1.\(Self.compact(userID)).\(Base64URL.encode(SecureRandom.bytes(count: 32)))"
        return (token, IssuedToken(tokenHash: Self.hash(token), expiresAt: now.addingTimeInterval(lifetime)))
    }

    /// The account a mailed token names, and the token's hash.
    public func parseMailToken(_ token: String) -> (userID: UUID, hash: String)? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 200, parts.count == 3, parts[0] == "mt1", let user = Self.expand(parts[1]), parts[2].utf8.count == 43
        else { return nil }
        return (user, Self.hash(token))
    }

    /// Hex SHA-256 of a token: what events store.
    public static func hash(_ token: String) -> String {
        SHA256.hash(Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func compact(_ id: UUID) -> String {
        id.uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    static func expand(_ text: Substring) -> UUID? {
        guard text.utf8.count == 32 else { return nil }
        let s = String(text)
        let dashed = [s.prefix(8), s.dropFirst(8).prefix(4), s.dropFirst(12).prefix(4), s.dropFirst(16).prefix(4), s.dropFirst(20)]
            .joined(separator: "-")
        return UUID(uuidString: dashed)
    }
}
