import Cryptography
import Domain
import EventLog
import EventSourcing
import Foundation

/// The account rules of provider sign-in (contract, "Identity federation"): an identity already
/// linked signs into its account; a provider-verified email signs into the account holding it (and
/// takes over one that never verified it: the old password stops working); a provider-unverified
/// email never signs into an existing account (409); otherwise a new account is made, without a
/// password (and, when the provider did not verify the address, sent the same verification mail as
/// a registration).
struct FederatedAccounts: Sendable {
    let commands: CommandExecutor
    let accounts: AccountDirectory
    let tokens: TokenService
    /// Keys provider subjects (`ServerSecrets.emailIndexKey`, under its own label).
    let indexKey: [UInt8]
    let mail: MailOutbox
    let accountMail: AccountMail

    /// The claim-stream key of an identity: HMAC of issuer and subject, so no stream names a subject.
    func subjectKey(issuer: String, subject: String) -> String {
        HMAC.authenticationCode(for: Array("oidc\u{0}\(issuer)\u{0}\(subject)".utf8), key: indexKey).map { String(format: "%02x", $0) }.joined()
    }

    func identity(provider: String, token: IDToken) -> Identity.Account.ProviderIdentity {
        .init(provider: provider, issuer: token.issuer, subject: token.subject, subjectKey: subjectKey(issuer: token.issuer, subject: token.subject))
    }

    /// The account holding `identity`, if any.
    func holder(of identity: Identity.Account.ProviderIdentity) throws(APIError) -> UUID? {
        try commands.load(Identity.ProviderClaim.self, stream: StreamName.providerClaim(identity.subjectKey)).holder
    }

    /// A provider sign-in done: the pair, the position of its last event, and who signed in as what.
    struct SignedIn: Sendable {
        var pair: AuthController.TokenPair
        var position: Int64
        var userID: UUID
        var role: Role
    }

    /// Signs the person of `token` in (making or linking their account as the rules say).
    func signIn(provider: String, token: IDToken, language: AccountMail.Language) async throws(APIError) -> SignedIn {
        let identity = identity(provider: provider, token: token)
        if let userID = try holder(of: identity) { return try await logIn(userID, identity, route: .linked) }
        guard let raw = token.email, let email = try? EmailAddress.normalized(raw) else {
            throw .unauthenticated("the provider shared no usable email address; allow the email scope and sign in again")
        }
        if let userID = try accounts.holder(ofEmailKey: accounts.emailKey(email)) {
            return try await logIn(userID, identity, route: .email(verifiedByProvider: token.emailVerified))
        }
        let userID = try await register(identity, email: email, token: token, language: language)
        return try await logIn(userID, identity, route: .linked)
    }

    /// Links `identity` to the signed-in `userID` (its claim and the account's event, atomically).
    func link(_ identity: Identity.Account.ProviderIdentity, to userID: UUID, principal: Principal) async throws(APIError) -> Int64 {
        let now = commands.now()
        return try await commands.execute(by: principal) { (states: StreamStates) throws(Identity.Rejection) in
            let claimStream = StreamName.providerClaim(identity.subjectKey)
            let claim = try Identity.ProviderClaim.decide(
                .claim(key: identity.subjectKey, userID: userID, now: now), states.state(of: Identity.ProviderClaim.self, stream: claimStream)
            )
            let account = try Identity.Account.decide(
                .linkProvider(identity, by: principal, now: now), states.state(of: Identity.Account.self, stream: StreamName.account(userID))
            )
            return [StreamEvents(claimStream, claim), StreamEvents(StreamName.account(userID), account)]
        }
    }

    /// Unlinks the holder's identity at `provider`, freeing its claim.
    func unlink(provider: String, from userID: UUID, principal: Principal) async throws(APIError) -> Int64 {
        let now = commands.now()
        return try await commands.execute(by: principal) { (states: StreamStates) throws(Identity.Rejection) in
            let accountStream = StreamName.account(userID)
            let state = states.state(of: Identity.Account.self, stream: accountStream)
            let events = try Identity.Account.decide(.unlinkProvider(provider: provider, by: principal, now: now), state)
            guard case .providerUnlinked(let unlinked)? = events.first else { return [] }
            let claimStream = StreamName.providerClaim(unlinked.subjectKey)
            let claim = try Identity.ProviderClaim.decide(
                .release(key: unlinked.subjectKey, userID: userID, now: now), states.state(of: Identity.ProviderClaim.self, stream: claimStream)
            )
            return [StreamEvents(accountStream, events), StreamEvents(claimStream, claim)]
        }
    }

    /// A login on `userID` through `identity`: claims the identity when it links now, and answers
    /// the pair minted on the account's state after the decision (a takeover raises the access generation).
    private func logIn(
        _ userID: UUID, _ identity: Identity.Account.ProviderIdentity, route: Identity.Account.ProviderRoute
    ) async throws(APIError) -> SignedIn {
        let now = commands.now()
        let familyID = SecureRandom.uuid()
        let refresh = tokens.refreshToken(userID: userID, familyID: familyID, now: now)
        let signIn = Identity.Account.ProviderSignIn(identity: identity, route: route, familyID: familyID, refreshToken: refresh.issued, now: now)
        var after = Identity.Account.initialState
        let position = try await commands.execute(by: nil) { (states: StreamStates) throws(Identity.Rejection) in
            let accountStream = StreamName.account(userID)
            let state = states.state(of: Identity.Account.self, stream: accountStream)
            let events = try Identity.Account.decide(.signInWithProvider(signIn), state)
            after = events.reduce(state, Identity.Account.evolve)
            var appends = [StreamEvents(accountStream, events)]
            if route != .linked {
                let claimStream = StreamName.providerClaim(identity.subjectKey)
                appends.append(StreamEvents(claimStream, try Identity.ProviderClaim.decide(
                    .claim(key: identity.subjectKey, userID: userID, now: now), states.state(of: Identity.ProviderClaim.self, stream: claimStream)
                )))
            }
            return appends
        }
        let access: String
        do {
            access = try tokens.accessToken(userID: userID, role: after.role, generation: after.accessGeneration, now: now)
        } catch {
            throw .unavailable("the access token could not be signed; retry", retryAfter: 1)
        }
        return SignedIn(
            pair: AuthController.TokenPair(accessToken: access, refreshToken: refresh.token, expiresIn: Int(TokenService.accessLifetime)),
            position: position, userID: userID, role: after.role
        )
    }

    /// A new account for `identity` (no password), claiming the address and the identity; an address
    /// the provider did not verify is sent the verification mail, in `language`.
    private func register(
        _ identity: Identity.Account.ProviderIdentity, email: String, token: IDToken, language: AccountMail.Language
    ) async throws(APIError) -> UUID {
        let now = commands.now()
        let userID = SecureRandom.timeOrderedUUID()
        let names = (token.name ?? "").split(separator: " ", maxSplits: 1).map(String.init)
        let first = [token.givenName, names.first, String(email.prefix { $0 != "@" })].compactMap { $0 }.first { !$0.isEmpty } ?? "—"
        let last = [token.familyName, names.count > 1 ? names[1] : nil].compactMap { $0 }.first { !$0.isEmpty } ?? "—"
        let mailToken = tokens.mailToken(userID: userID, lifetime: TokenService.verificationLifetime, now: now)
        var registration = Identity.Account.Registration(
            userID: userID, email: email, emailKey: accounts.emailKey(email), password: nil,
            firstName: String(first.prefix(100)), lastName: String(last.prefix(100)), role: .student,
            verification: mailToken.issued, now: now
        )
        registration.provider = identity
        registration.emailVerifiedByProvider = token.emailVerified
        _ = try await commands.execute(by: nil) { (states: StreamStates) throws(Identity.Rejection) in
            let emailStream = StreamName.emailClaim(registration.emailKey)
            let decision = try Identity.register(
                registration, emailClaim: states.state(of: Identity.EmailClaim.self, stream: emailStream), account: Identity.Account.initialState
            )
            let claimStream = StreamName.providerClaim(identity.subjectKey)
            let claim = try Identity.ProviderClaim.decide(
                .claim(key: identity.subjectKey, userID: userID, now: now), states.state(of: Identity.ProviderClaim.self, stream: claimStream)
            )
            return [
                StreamEvents(emailStream, decision.emailClaim), StreamEvents(claimStream, claim),
                StreamEvents(StreamName.account(userID), decision.account, expectedVersion: .noStream),
            ]
        }
        if !token.emailVerified {
            try mail.send(accountMail.verification(to: email, firstName: registration.firstName, token: mailToken.token, language: language))
        }
        return userID
    }
}
