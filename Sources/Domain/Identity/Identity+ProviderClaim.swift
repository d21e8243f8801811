extension Identity {
    /// The claim kind of an OpenID Connect identity (stream `provider-<subjectKey>`).
    public enum ProviderIdentityKey: IdentityClaimKind {
        public static var claimedType: String { "identity.provider-claimed" }
        public static var releasedType: String { "identity.provider-released" }
        public static var keyField: String { "subjectKey" }
        public static var taken: Identity.Rejection { .conflict("this provider identity is linked to another account") }
    }

    /// One OpenID Connect identity's claim: the account it signs into. Stream `provider-<subjectKey>`.
    public typealias ProviderClaim = Claim<ProviderIdentityKey>
}
