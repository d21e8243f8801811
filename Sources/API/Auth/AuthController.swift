import Cryptography
import Domain
import EventLog
import EventSourcing
import Foundation
import Hummingbird

/// `/auth/*`: sign-up, login, refresh rotation, logout, email verification, password reset, 2FA.
///
/// The deciders of `Identity` rule; this controller does what they cannot: hashing passwords
/// (scrypt), checking TOTP codes, minting tokens, sending mail, and per-IP limits.
struct AuthController {
    let commands: CommandExecutor
    let accounts: AccountDirectory
    let tokens: TokenService
    let passwords: PasswordHashing
    let throttle: RequestThrottle
    let mail: MailOutbox
    let passwordResets: PasswordResets
    let twoFactor: TwoFactorCodes
    let locks: LoginLocks
    /// Verification mail (links under `PROTALENT_PUBLIC_URL`).
    let accountMail: AccountMail
    /// Told of admin sign-ins (a new network is an alert).
    let alerts: AlertMonitor

    /// The checks of a confirmed action (2FA set-up and removal), over the services this controller has.
    var credentials: CredentialCheck { CredentialCheck(passwords: passwords, twoFactor: twoFactor, throttle: throttle) }

    /// The sign-in check, over the services this controller has (the console uses the same).
    var signIn: PasswordSignIn {
        PasswordSignIn(
            commands: commands, accounts: accounts, tokens: tokens, passwords: passwords, throttle: throttle,
            passwordResets: passwordResets, twoFactor: twoFactor, locks: locks
        )
    }

    // MARK: Bodies

    struct RegisterBody: Decodable {
        var email: String
        var password: String
        var firstName: String
        var lastName: String
        var role: String
        var countryCode: String?
        var city: String?
    }

    struct LoginBody: Decodable {
        var email: String
        var password: String
        var totpCode: String?
    }

    struct RefreshBody: Decodable { var refreshToken: String }
    struct EmailBody: Decodable { var email: String }
    struct ResetBody: Decodable {
        var token: String
        var newPassword: String
    }
    struct CodeBody: Decodable { var code: String }

    struct Registered: Encodable { var userId: String }
    struct TokenPair: Encodable {
        var accessToken: String
        var refreshToken: String
        var expiresIn: Int
        var tokenType = "Bearer"
    }
    struct TwoFactorSetup: Encodable {
        var secret: String
        var otpauthUri: String
        /// Shown this once; each works once in place of a TOTP code, from confirmation on.
        var recoveryCodes: [String]
    }
    struct Verified: Encodable { var emailVerified = true }

    // MARK: Routes

    func addRoutes(to routes: RouteTable) {
        let tokenPair = JSONSchema.ref("TokenPair")
        routes.add(.post, "/auth/register", RouteDocumentation(
            "Create an account (student or mentor); a verification mail is sent", tag: "Auth",
            request: .ref("RegisterRequest"), status: 201, response: .object(["userId": .uuid], required: ["userId"])
        )) { request, context in try await register(&request, context) }
        routes.add(.post, "/auth/login", RouteDocumentation(
            "Log in with email and password (and totpCode when 2FA is on: a TOTP code or a recovery code)", tag: "Auth",
            request: .object(["email": .text, "password": .text, "totpCode": .text], required: ["email", "password"]),
            response: tokenPair
        )) { request, context in try await login(&request, context) }
        routes.add(.post, "/auth/refresh", RouteDocumentation(
            "Spend a refresh token for a new pair; replaying a spent one revokes the login", tag: "Auth",
            request: .object(["refreshToken": .text], required: ["refreshToken"]), response: tokenPair
        )) { request, context in try await refresh(&request, context) }
        routes.add(.post, "/auth/logout", RouteDocumentation(
            "End the login a refresh token belongs to", tag: "Auth",
            request: .object(["refreshToken": .text], required: ["refreshToken"]), status: 204
        )) { request, context in try await logout(&request, context) }
        routes.add(.post, "/auth/forgot-password", RouteDocumentation(
            "Mail a reset link; answers 202 whether or not the account exists", tag: "Auth",
            request: .object(["email": .text], required: ["email"]), status: 202
        )) { request, context in try await forgotPassword(&request, context) }
        routes.add(.post, "/auth/reset-password", RouteDocumentation(
            "Set a new password with a mailed token; ends every login", tag: "Auth",
            request: .object(["token": .text, "newPassword": .text], required: ["token", "newPassword"]), status: 204
        )) { request, context in try await resetPassword(&request, context) }
        routes.add(.get, "/auth/verify-email", readsModels: false, RouteDocumentation(
            "Verify the email address with the mailed token", tag: "Auth", response: .object(["emailVerified": .boolean]),
            query: ["token": .text]
        )) { request, context in try await verifyEmail(request, context) }
        routes.add(.post, "/auth/2fa/enable", RouteDocumentation(
            "Start TOTP set-up, confirmed with the password: a new secret, its otpauth URI and recovery codes, shown once", tag: "Auth",
            request: .object(["password": .text], required: ["password"]),
            response: .object(
                ["secret": .text, "otpauthUri": .text, "recoveryCodes": .array(.text)], required: ["secret", "otpauthUri", "recoveryCodes"]
            )
        )) { request, context in try await enableTwoFactor(&request, context) }
        routes.add(.post, "/auth/2fa/verify", RouteDocumentation(
            "Confirm TOTP set-up with a first code; logins then need totpCode (a TOTP or recovery code)", tag: "Auth",
            request: .object(["code": .text], required: ["code"]), status: 204
        )) { request, context in try await verifyTwoFactor(&request, context) }
        routes.add(.post, "/auth/2fa/disable", RouteDocumentation(
            "Turn 2FA off, confirmed with the password and a TOTP or recovery code", tag: "Auth",
            request: .object(["password": .text, "code": .text], required: ["password", "code"]), status: 204
        )) { request, context in try await disableTwoFactor(&request, context) }
        addPageRoutes(to: routes)
    }

    // MARK: Handlers

    func register(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        try limitAuth(context)
        let body = try await request.decodeJSON(RegisterBody.self)
        guard let role = Role(rawValue: body.role), role == .student || role == .mentor else {
            throw APIError.invalid("role", "role must be student or mentor")
        }
        let email = try fieldChecked { () throws(FieldError) in try EmailAddress.validated(body.email) }
        try validatePassword(body.password, field: "password")
        let now = commands.now()
        let userID = SecureRandom.timeOrderedUUID()
        let mailToken = tokens.mailToken(userID: userID, lifetime: TokenService.verificationLifetime, now: now)
        let registration = Identity.Account.Registration(
            userID: userID, email: body.email, emailKey: emailKey(email),
            password: NewPassword(plaintext: body.password, hash: try await hashPassword(body.password)),
            firstName: body.firstName, lastName: body.lastName, role: role, countryCode: body.countryCode, city: body.city,
            verification: mailToken.issued, now: now
        )
        let position = try await commands.execute(by: nil) { (states: StreamStates) throws(Identity.Rejection) in
            let claimStream = StreamName.emailClaim(registration.emailKey)
            let decision = try Identity.register(
                registration, emailClaim: states.state(of: Identity.EmailClaim.self, stream: claimStream),
                account: Identity.Account.initialState
            )
            return [
                StreamEvents(claimStream, decision.emailClaim),
                StreamEvents(StreamName.account(userID), decision.account, expectedVersion: .noStream),
            ]
        }
        try mail.send(accountMail.verification(
            to: email, firstName: body.firstName, token: mailToken.token, language: Self.language(of: request)
        ))
        return try JSONResponse.command(Registered(userId: userID.uuidString.lowercased()), status: .created, position: position)
    }

    func login(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        try limitAuth(context)
        let body = try await request.decodeJSON(LoginBody.self)
        let signedIn = try await signIn.signIn(email: body.email, password: body.password, totpCode: body.totpCode, ip: context.peerAddress)
        if signedIn.state.role == .admin { alerts.adminSignedIn(signedIn.userID, address: context.peerAddress) }
        let pair = TokenPair(
            accessToken: try tokens.accessToken(
                userID: signedIn.userID, role: signedIn.state.role, generation: signedIn.state.accessGeneration, now: commands.now()
            ),
            refreshToken: signedIn.refreshToken, expiresIn: Int(TokenService.accessLifetime)
        )
        return try JSONResponse.command(pair, position: signedIn.position, headers: JSONResponse.noStore)
    }

    func refresh(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        try limitAuth(context)
        let body = try await request.decodeJSON(RefreshBody.self)
        let invalid = APIError.unauthenticated("this refresh token is not valid; log in again")
        let now = commands.now()
        guard let parsed = tokens.parseRefreshToken(body.refreshToken), let next = tokens.successor(of: body.refreshToken, now: now)
        else { throw invalid }
        // Every request presenting this token derives the same `next`. One that loses the race to
        // rotate it decides again, finds the token just spent and answers the same successor: one
        // client's concurrent refreshes neither see a 409 nor revoke their own login.
        let outcome = try await commands.decideOnAccount(parsed.userID, by: nil) { state throws(Identity.Rejection) in
            try Identity.Account.decision(
                .refresh(familyID: parsed.familyID, presentedTokenHash: parsed.hash, next: next.issued, now: now), state)
        }
        let decision: Identity.Account.Decision
        do {
            decision = try outcome.decision.get()
        } catch {
            throw outcome.state.status == .active ? APIError.unauthenticated(error.message) : invalid
        }
        if let refusal = decision.refusal { throw APIError.unauthenticated(refusal.message) }
        var refreshToken = next.token
        if let repeated = decision.repeatedRefresh {
            // The family's current token, derived again: the successor of the successor…
            for _ in stride(from: 1, to: repeated.derivations, by: 1) {
                guard let later = tokens.successor(of: refreshToken, now: now) else { throw invalid }
                refreshToken = later.token
            }
            guard TokenService.hash(refreshToken) == repeated.tokenHash else { throw invalid }
        }
        let pair = TokenPair(
            accessToken: try tokens.accessToken(userID: parsed.userID, role: outcome.state.role, generation: outcome.state.accessGeneration, now: now),
            refreshToken: refreshToken, expiresIn: Int(TokenService.accessLifetime)
        )
        return try JSONResponse.command(pair, position: outcome.position, headers: JSONResponse.noStore)
    }

    func logout(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(RefreshBody.self)
        guard let parsed = tokens.parseRefreshToken(body.refreshToken) else {
            throw APIError.unauthenticated("this refresh token is not valid")
        }
        let committed = try await commands.execute(
            .logOut(familyID: parsed.familyID, presentedTokenHash: parsed.hash, now: commands.now()),
            on: Identity.Account.self, stream: StreamName.account(parsed.userID), by: nil
        )
        return JSONResponse.command(position: committed.position)
    }

    func forgotPassword(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        try limitAuth(context)
        let body = try await request.decodeJSON(EmailBody.self)
        let email = try normalizedEmail(body.email)
        // Recorded now, done after the answer: an existing and a missing account answer in the same
        // time, and the request survives a shutdown or a crash right after the 202.
        try passwordResets.request(email: email)
        return Response(status: .accepted)
    }

    func resetPassword(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        try limitAuth(context)
        let body = try await request.decodeJSON(ResetBody.self)
        return JSONResponse.command(position: try await reset(token: body.token, newPassword: body.newPassword))
    }

    /// Sets a new password with a mailed token (the JSON route and the reset page's form).
    func reset(token: String, newPassword: String) async throws(APIError) -> Int64 {
        guard let parsed = tokens.parseMailToken(token) else {
            throw APIError.invalid("token", "this reset link is unknown or was already used")
        }
        try validatePassword(newPassword, field: "newPassword")
        let hash: String
        do { hash = try await hashPassword(newPassword) } catch {
            throw (error as? APIError) ?? .unavailable("the password could not be hashed; retry", retryAfter: 1)
        }
        let committed = try await commands.execute(
            .resetPassword(tokenHash: parsed.hash, newPassword: NewPassword(plaintext: newPassword, hash: hash), now: commands.now()),
            on: Identity.Account.self, stream: StreamName.account(parsed.userID), by: nil
        )
        if let key = committed.state.emailKey { locks.clear(key) }  // the reset lifts the lock
        return committed.position
    }

    func verifyEmail(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        // A person opening the mailed link gets a page; a client asking for JSON gets JSON.
        if AccountPages.prefersHTML(request) { return try await verifyEmailPage(request) }
        guard let token = try QueryParameters(request).string("token", maxLength: 200) else {
            throw APIError.badRequest("add ?token= from the verification mail", field: "token")
        }
        return try JSONResponse.command(Verified(), position: try await verify(token: token))
    }

    /// Redeems a verification token.
    func verify(token: String) async throws(APIError) -> Int64 {
        guard let parsed = tokens.parseMailToken(token) else {
            throw APIError.invalid("token", "this verification link is unknown or was already used")
        }
        return try await commands.execute(
            .verifyEmail(tokenHash: parsed.hash, now: commands.now()),
            on: Identity.Account.self, stream: StreamName.account(parsed.userID), by: nil
        ).position
    }

    func enableTwoFactor(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let principal = try context.requirePrincipal()
        let body = try await request.decodeJSONOrEmpty(ConfirmationBody.self)
        let (secret, sealed) = try twoFactor.newSecret(for: user.id)
        let recovery = twoFactor.newRecoveryCodes(for: user.id)
        let position = try await confirmed(body, userID: user.id, principal: principal, context) { confirmation, now in
            .startTwoFactor(secretCiphertext: sealed, recoveryCodeHashes: recovery.hashes, confirmation, by: principal, now: now)
        }
        let label = "user-\(user.id.uuidString.lowercased().suffix(8))" // the random end: ids begin with their time
        let setup = TwoFactorSetup(
            secret: Base32.encode(secret), otpauthUri: TOTP(secret: secret).provisioningURI(issuer: "ProTalent", account: label),
            recoveryCodes: recovery.codes
        )
        return try JSONResponse.command(setup, position: position, headers: JSONResponse.noStore)
    }

    func verifyTwoFactor(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let body = try await request.decodeJSON(CodeBody.self)
        let stream = StreamName.account(user.id)
        let state = try loadAccount(stream).state
        let now = commands.now()
        let check = twoFactor.check(body.code, state: state, userID: user.id, now: now)
        let committed = try await commands.execute(
            .confirmTwoFactor(check, by: (try context.requirePrincipal()), now: now), on: Identity.Account.self, stream: stream, by: context.principal
        )
        return JSONResponse.command(position: committed.position)
    }

    func disableTwoFactor(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let principal = try context.requirePrincipal()
        let body = try await request.decodeJSONOrEmpty(ConfirmationBody.self)
        let position = try await confirmed(body, userID: user.id, principal: principal, context) { confirmation, now in
            .disableTwoFactor(confirmation, by: principal, now: now)
        }
        return JSONResponse.command(position: position)
    }

    /// Runs a command the account holder confirmed with `body`'s credentials and answers its
    /// position, or its refusal once the failure it recorded is in the log.
    func confirmed(
        _ body: ConfirmationBody, userID: UUID, principal: Principal, _ context: AppRequestContext,
        _ command: (Identity.Account.Confirmation, Date) -> Identity.Account.Command
    ) async throws(APIError) -> Int64 {
        let now = commands.now()
        let loaded = try loadAccount(StreamName.account(userID))
        let confirmation = try await credentials.confirmation(body, userID: userID, state: loaded.state, now: now, ip: context.peerAddress)
        let outcome = try await commands.decideOnAccount(userID, by: principal) { state throws(Identity.Rejection) in
            try Identity.Account.decision(command(confirmation, now), state)
        }
        let decision: Identity.Account.Decision
        do {
            decision = try outcome.decision.get()
        } catch {
            throw APIError(rejection: error)
        }
        if let refusal = decision.refusal {
            throw CredentialCheck.refusal(refusal, recorded: decision.events, on: outcome.state, now: now)
        }
        return outcome.position
    }

    // MARK: Helpers

    func loadAccount(_ stream: String) throws(APIError) -> (state: Identity.Account.State, version: Int64) {
        try commands.loadVersioned(Identity.Account.self, stream: stream)
    }

    /// The lookup form of an address typed to sign in or reset a password (`EmailAddress.normalized`).
    func normalizedEmail(_ raw: String) throws(APIError) -> String {
        try fieldChecked { () throws(FieldError) in try EmailAddress.normalized(raw) }
    }

    func validatePassword(_ password: String, field: String) throws(APIError) {
        try fieldChecked { () throws(FieldError) in try PasswordPolicy.check(password, field) }
    }

    /// Runs a shared field check, a failure answering 422 naming the field.
    func fieldChecked<Value>(_ check: () throws(FieldError) -> Value) throws(APIError) -> Value {
        do {
            return try check()
        } catch {
            throw .invalid(error.field, error.message)
        }
    }

    func hashPassword(_ password: String) async throws -> String {
        try await passwords.hash(password)
    }

    func emailKey(_ normalized: String) -> String { accounts.emailKey(normalized) }

    func limitAuth(_ context: AppRequestContext) throws(APIError) {
        try throttle.chargeAuth(ip: context.peerAddress)
    }

    /// The language a person reading this request wants: English when `Accept-Language` prefers it,
    /// French (the platform's default) otherwise. Their preferences decide later mail.
    static func language(of request: Request) -> AccountMail.Language {
        AcceptLanguage.preferred(request.headers[.acceptLanguage]) == .en ? .en : .fr
    }
}
