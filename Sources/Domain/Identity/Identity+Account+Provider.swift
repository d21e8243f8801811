public import EventSourcing
public import Foundation

extension Identity.Account {
    /// A person as an OpenID Connect provider knows them: the provider's configured name, its issuer
    /// and the subject it gives them, plus the application's keyed digest of issuer and subject (the
    /// `provider-<subjectKey>` claim stream's key, so stream names never show a subject).
    public struct ProviderIdentity: Sendable, Equatable {
        /// The configured name (`google`), as in `/auth/oidc/{name}/…`.
        public var provider: String
        /// The id token's `iss`.
        public var issuer: String
        /// The id token's `sub`: stable per person at that issuer.
        public var subject: String
        /// HMAC of issuer and subject under a server key.
        public var subjectKey: String

        /// An identity as the application verified it from an id token.
        public init(provider: String, issuer: String, subject: String, subjectKey: String) {
            self.provider = provider
            self.issuer = issuer
            self.subject = subject
            self.subjectKey = subjectKey
        }
    }

    /// How a provider sign-in reached this account.
    public enum ProviderRoute: Sendable, Equatable {
        /// The identity is linked to this account already.
        case linked
        /// The provider vouches for an email address this account holds; `emailVerified` is the
        /// provider's `email_verified` claim. Only a verified address may link (and a verified one
        /// takes over an account whose holder never proved the address: no pre-hijacking).
        case email(verifiedByProvider: Bool)
    }

    /// A sign-in through a provider, after the application verified the id token.
    public struct ProviderSignIn: Sendable, Equatable {
        public var identity: ProviderIdentity
        public var route: ProviderRoute
        /// The refresh-token family to open.
        public var familyID: UUID
        public var refreshToken: IssuedToken
        public var now: Date

        public init(identity: ProviderIdentity, route: ProviderRoute, familyID: UUID, refreshToken: IssuedToken, now: Date) {
            self.identity = identity
            self.route = route
            self.familyID = familyID
            self.refreshToken = refreshToken
            self.now = now
        }
    }

    /// A provider identity linked to an account, as the state remembers it.
    public struct LinkedProvider: Sendable, Equatable {
        /// The configured name (`google`).
        public var provider: String
        /// The issuer.
        public var issuer: String
        /// When it was linked.
        public var linkedAt: Date
    }

    /// Payload of `identity.provider-linked`.
    public struct ProviderLinked: Codable, Sendable, Equatable {
        public var userId: UUID
        public var provider: String
        public var issuer: String
        /// The provider's subject: personal data, encrypted with the person's key.
        public var subject: Personal<String>
        public var subjectKey: String
        public var at: Date
    }

    /// Payload of `identity.provider-unlinked`.
    public struct ProviderUnlinked: Codable, Sendable, Equatable {
        public var userId: UUID
        public var provider: String
        public var subjectKey: String
        public var at: Date
    }

    /// Why a password stopped working without a new one.
    public enum PasswordRevocationReason: String, Codable, Sendable, Hashable {
        /// The owner of the address signed in through a provider that verified it, while this
        /// account had never verified it: whoever set the password may not be the owner.
        case unverifiedAccountTakenOver = "unverified_account_taken_over"
    }

    /// Payload of `identity.calendar-feed-issued`: a new secret calendar URL (the old one stops working).
    public struct CalendarFeedIssued: Codable, Sendable, Equatable {
        public var userId: UUID
        /// SHA-256 (hex) of the secret in the URL, never the secret.
        public var secretHash: String
        public var at: Date
    }

    /// Payload of `identity.password-revoked`.
    public struct PasswordRevoked: Codable, Sendable, Equatable {
        public var userId: UUID
        public var reason: PasswordRevocationReason
        public var at: Date
    }
}

extension Identity.Account {
    /// The events of a provider sign-in on an existing account.
    static func signIn(_ signIn: ProviderSignIn, userID: UUID, _ state: State) throws(Rejection) -> Decision {
        let now = signIn.now
        let identity = signIn.identity
        var events: [Event] = []
        switch signIn.route {
        case .linked:
            guard state.providers[identity.subjectKey] != nil else { throw .forbidden("this provider identity is not linked to the account") }
        case .email(let verifiedByProvider):
            guard verifiedByProvider else {
                throw .conflict("an account already uses this email; the provider did not verify the address, so it cannot sign into it", field: "email")
            }
            events.append(.providerLinked(linked(identity, userID: userID, now: now)))
            if !state.emailVerified {
                // The provider proved the address and this account never did: the person who registered
                // it may be someone else (pre-hijacking). The owner keeps the account; their password,
                // any open login and access token stop working.
                events.append(.emailVerified(Occurred(userId: userID, at: now)))
                if state.passwordHash != nil {
                    events.append(.passwordRevoked(PasswordRevoked(userId: userID, reason: .unverifiedAccountTakenOver, at: now)))
                }
                events += state.refreshFamilies.filter { !$0.value.revoked }.keys.sorted { $0.uuidString < $1.uuidString }
                    .map { Event.refreshFamilyRevoked(FamilyRevoked(userId: userID, familyId: $0, reason: .accountTakenOver, at: now)) }
            }
        }
        return Decision(events + [
            .loginSucceeded(LoginSucceeded(userId: userID, familyId: signIn.familyID, totpStep: nil, at: now)),
            .refreshFamilyIssued(FamilyIssued(
                userId: userID, familyId: signIn.familyID, tokenHash: signIn.refreshToken.tokenHash,
                expiresAt: signIn.refreshToken.expiresAt, at: now
            )),
        ])
    }

    /// The events of linking a provider identity from the holder's profile.
    static func link(_ identity: ProviderIdentity, by principal: Principal, userID: UUID, _ state: State, now: Date) throws(Rejection) -> Decision {
        guard principal.isUser(userID) else { throw .forbidden("only the account holder can link a provider") }
        if state.providers[identity.subjectKey] != nil { return Decision([]) }
        if state.providers.values.contains(where: { $0.provider == identity.provider }) {
            throw .conflict("an identity from \(identity.provider) is linked already; unlink it first")
        }
        return Decision([.providerLinked(linked(identity, userID: userID, now: now))])
    }

    /// The events of unlinking the holder's identity at `provider`; the last way to sign in stays.
    static func unlink(provider: String, by principal: Principal, userID: UUID, _ state: State, now: Date) throws(Rejection) -> Decision {
        guard principal.isUser(userID) else { throw .forbidden("only the account holder can unlink a provider") }
        guard let (key, _) = state.providers.first(where: { $0.value.provider == provider }) else {
            throw .notFound("no identity from \(provider) is linked to this account")
        }
        guard state.passwordHash != nil || state.providers.count > 1 else {
            throw .conflict("this is the last way to sign in to this account; set a password (forgot-password) or link another provider first")
        }
        return Decision([.providerUnlinked(ProviderUnlinked(userId: userID, provider: provider, subjectKey: key, at: now))])
    }

    static func linked(_ identity: ProviderIdentity, userID: UUID, now: Date) -> ProviderLinked {
        ProviderLinked(
            userId: userID, provider: identity.provider, issuer: identity.issuer, subject: Personal(identity.subject),
            subjectKey: identity.subjectKey, at: now
        )
    }
}
