public import EventSourcing

extension Identity {
    /// The claim kind of an email address (stream `email-<emailKey>`).
    public enum EmailAddressKey: IdentityClaimKind {
        public static var claimedType: String { "identity.email-claimed" }
        public static var releasedType: String { "identity.email-released" }
        public static var keyField: String { "emailKey" }
        public static var taken: Identity.Rejection {
            .conflict("an account with this email already exists; log in or reset the password", field: "email")
        }
    }

    /// One email address's claim: who holds it. Stream `email-<emailKey>`.
    public typealias EmailClaim = Claim<EmailAddressKey>
}

extension Identity.Claim: SnapshottableDecider where Kind == Identity.EmailAddressKey {
    /// Version 1: `{"holder": <uuid or absent>}`.
    public static var stateSchemaVersion: Int { 1 }
}
