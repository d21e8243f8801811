import EventSourcing
public import Foundation

extension Identity {
    /// The events of a sign-up, per stream, for one atomic append.
    public struct RegistrationDecision: Sendable, Equatable {
        /// For `email-<emailKey>`, appended with the claim stream's current version as expected version.
        public var emailClaim: [EmailClaim.Event]
        /// For `account-<userId>`, appended expecting no stream.
        public var account: [Account.Event]
    }

    /// Decides a sign-up across the email claim and the new account: a taken address is a conflict.
    public static func register(
        _ registration: Account.Registration, emailClaim: EmailClaim.State, account: Account.State
    ) throws(Rejection) -> RegistrationDecision {
        let accountEvents = try Account.decide(.register(registration), account)
        let claimEvents = try EmailClaim.decide(
            .claim(key: registration.emailKey, userID: registration.userID, now: registration.now), emailClaim
        )
        return RegistrationDecision(emailClaim: claimEvents, account: accountEvents)
    }

    /// The events of an erasure, per stream: the account is erased and its address freed for a new sign-up.
    public struct ErasureDecision: Sendable, Equatable {
        /// For `account-<userId>`.
        public var account: [Account.Event]
        /// For `email-<emailKey>` (the key is in the account state).
        public var emailClaim: [EmailClaim.Event]
        /// For each `provider-<subjectKey>` the account had linked: the identity freed.
        public var providerClaims: [String: [ProviderClaim.Event]] = [:]
        /// Set when the holder's confirmation failed: `account` then only records the failure, to
        /// append before answering with this.
        public var refusal: Rejection?
    }

    /// Decides an erasure across the account, its email claim and the claims of the provider
    /// identities it linked (`providerClaims`, by subject key); the holder's own erasure needs
    /// their `confirmation`.
    public static func erase(
        by principal: Principal, _ confirmation: Account.Confirmation?, now: Date, account: Account.State, emailClaim: EmailClaim.State,
        providerClaims: [String: ProviderClaim.State] = [:]
    ) throws(Rejection) -> ErasureDecision {
        let decision = try Account.decision(.erase(by: principal, confirmation, now: now), account)
        guard decision.refusal == nil, let userID = account.userID else {
            return ErasureDecision(account: decision.events, emailClaim: [], refusal: decision.refusal)
        }
        var claimEvents: [EmailClaim.Event] = []
        if let key = account.emailKey {
            claimEvents = try EmailClaim.decide(.release(key: key, userID: userID, now: now), emailClaim)
        }
        // Freed like the address: an erased person's Google or LinkedIn identity names no one any
        // more, and may sign up afresh.
        var released: [String: [ProviderClaim.Event]] = [:]
        for key in account.providers.keys.sorted() {
            released[key] = try ProviderClaim.decide(
                .release(key: key, userID: userID, now: now), providerClaims[key] ?? ProviderClaim.initialState
            )
        }
        return ErasureDecision(account: decision.events, emailClaim: claimEvents, providerClaims: released)
    }
}
