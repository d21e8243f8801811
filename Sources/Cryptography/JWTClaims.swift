/// The claims ProTalent puts in an access token (RFC 7519 §4), plus free-form string claims.
///
/// Times are NumericDates: whole seconds since 1970-01-01T00:00:00Z.
public struct JWTClaims: Sendable, Equatable {
    /// `sub`: who the token is about (an account id).
    public var subject: String
    /// `role`: the account's role, for RBAC.
    public var role: String
    /// `iat`: when the token was issued.
    public var issuedAt: Int64
    /// `exp`: the token is refused at and after this time.
    public var expiresAt: Int64
    /// `nbf`: the token is refused before this time, when present.
    public var notBefore: Int64?
    /// `jti`: a unique id, so a token can be revoked or refused on replay.
    public var id: String
    /// Other string-valued claims (`iss`, `aud`, `sid`, …). On verification, claims of other types
    /// that this struct does not model are left out.
    public var extra: [String: String]

    /// The claim names the fields above own; `extra` must not use them.
    public static let registeredNames: Set<String> = ["sub", "role", "iat", "exp", "nbf", "jti"]

    /// Creates a set of claims.
    public init(
        subject: String, role: String, issuedAt: Int64, expiresAt: Int64, notBefore: Int64? = nil,
        id: String, extra: [String: String] = [:]
    ) {
        self.subject = subject
        self.role = role
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.notBefore = notBefore
        self.id = id
        self.extra = extra
    }
}
