import Cryptography
import Domain
import EventLog
import EventSourcing
import Foundation
import Hummingbird
import Logging
import ReadModels

/// `/auth/*`: sign-up, login, refresh rotation, logout, email verification, password reset, 2FA.
///
/// The deciders of `Identity` rule; this controller does what they cannot: hashing passwords
/// (scrypt), checking TOTP codes, minting tokens, sending mail, and per-IP limits.
struct AuthController {
    let platform: Platform

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
            "Log in with email and password (and totpCode when 2FA is on)", tag: "Auth",
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
            "Start TOTP set-up: a new secret and its otpauth URI", tag: "Auth",
            response: .object(["secret": .text, "otpauthUri": .text], required: ["secret", "otpauthUri"])
        )) { request, context in try await enableTwoFactor(context) }
        routes.add(.post, "/auth/2fa/verify", RouteDocumentation(
            "Confirm TOTP set-up with a first code; logins then need totpCode", tag: "Auth",
            request: .object(["code": .text], required: ["code"]), status: 204
        )) { request, context in try await verifyTwoFactor(&request, context) }
    }

    // MARK: Handlers

    func register(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        try limitAuth(context)
        let body = try await request.decodeJSON(RegisterBody.self)
        guard let role = Role(rawValue: body.role), role == .student || role == .mentor else {
            throw APIError.invalid("role", "role must be student or mentor")
        }
        let email = try normalizedEmail(body.email)
        try validatePassword(body.password, field: "password")
        let now = platform.clock.now()
        let userID = SecureRandom.timeOrderedUUID()
        let mailToken = platform.tokens.mailToken(userID: userID, lifetime: TokenService.verificationLifetime, now: now)
        let registration = Identity.Account.Registration(
            userID: userID, email: body.email, emailKey: emailKey(email),
            password: NewPassword(plaintext: body.password, hash: try hashPassword(body.password)),
            firstName: body.firstName, lastName: body.lastName, role: role, countryCode: body.countryCode, city: body.city,
            verification: mailToken.issued, now: now
        )
        let position = try await platform.execute(by: nil) { (states: StreamStates) throws(Identity.Rejection) in
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
        try await sendVerification(to: email, firstName: body.firstName, token: mailToken.token)
        return try JSONResponse.command(Registered(userId: userID.uuidString.lowercased()), status: .created, position: position)
    }

    func login(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        try limitAuth(context)
        let limits = platform.configuration.rateLimits
        let ipKey = "login-failures:\(context.peerAddress ?? "local")"
        if limits.enabled, let wait = platform.limiter.wait(ipKey, rule: limits.loginFailuresPerIP, now: platform.clock.now()) {
            throw APIError.tooManyRequests("too many failed logins from this address; try again later", retryAfter: wait)
        }
        let body = try await request.decodeJSON(LoginBody.self)
        let refused = APIError.unauthenticated("the email or password is incorrect")
        guard let email = try? normalizedEmail(body.email),
              let userID = try platform.load(Identity.EmailClaim.self, stream: StreamName.emailClaim(emailKey(email))).holder
        else {
            // The same scrypt work as a real check, so response time does not reveal whether the account exists.
            _ = try? platform.configuration.passwordHasher.verify(body.password, against: Self.decoyHash)
            noteLoginFailure(ipKey)
            throw refused
        }
        let stream = StreamName.account(userID)
        let loaded = try loadAccount(stream)
        let now = platform.clock.now()
        if let until = loaded.state.lockedUntil, now < until {
            throw APIError.tooManyRequests("too many failed logins; this account is locked for a while", retryAfter: Int(until.timeIntervalSince(now).rounded(.up)))
        }
        guard let hash = loaded.state.passwordHash else { throw refused }
        let matches = (try? platform.configuration.passwordHasher.verify(body.password, against: hash)) ?? false
        let totp = try totpCheck(body.totpCode, state: loaded.state, userID: userID, now: now, field: "totpCode")
        let familyID = SecureRandom.uuid()
        let refresh = platform.tokens.refreshToken(userID: userID, familyID: familyID, now: now)
        let attempt = Identity.Account.LoginAttempt(passwordMatches: matches, totp: totp, familyID: familyID, refreshToken: refresh.issued, now: now)
        let decision: Identity.Account.Decision
        do {
            decision = try Identity.Account.decision(.logIn(attempt), loaded.state)
        } catch {
            if error.category == .invalid { throw APIError(rejection: error) }  // totpCode missing
            throw refused
        }
        let position = try await platform.record(decision.events, to: stream, expectedVersion: .exactly(loaded.version), by: nil)
        if let refusal = decision.refusal {
            if matches == false { noteLoginFailure(ipKey) }
            let after = decision.events.reduce(loaded.state, Identity.Account.evolve)
            if let until = after.lockedUntil, now < until {
                throw APIError.tooManyRequests("too many failed logins; this account is locked for a while", retryAfter: Int(until.timeIntervalSince(now).rounded(.up)))
            }
            throw APIError.unauthenticated(refusal.message)
        }
        let pair = TokenPair(
            accessToken: try platform.tokens.accessToken(userID: userID, role: loaded.state.role, now: now),
            refreshToken: refresh.token, expiresIn: Int(TokenService.accessLifetime)
        )
        let rehashed = await rehashIfWeaker(hash, password: body.password, userID: userID, role: loaded.state.role, now: now)
        return try JSONResponse.command(pair, position: max(position, rehashed ?? 0))
    }

    /// Parameters live with each hash, so raising the scrypt cost upgrades each account at its next
    /// successful login (the only moment the password is known). Best effort: a failure keeps the old hash.
    func rehashIfWeaker(_ hash: String, password: String, userID: UUID, role: Role, now: Date) async -> Int64? {
        let hasher = platform.configuration.passwordHasher
        guard hasher.needsRehash(hash), let upgraded = try? hasher.hash(password) else { return nil }
        let principal = Principal.user(userID, role)
        return try? await platform.execute(
            .changePassword(currentPasswordMatches: true, newPassword: NewPassword(plaintext: password, hash: upgraded), by: principal, now: now),
            on: Identity.Account.self, stream: StreamName.account(userID), by: principal
        ).position
    }

    func refresh(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        try limitAuth(context)
        let body = try await request.decodeJSON(RefreshBody.self)
        let invalid = APIError.unauthenticated("this refresh token is not valid; log in again")
        guard let parsed = platform.tokens.parseRefreshToken(body.refreshToken) else { throw invalid }
        let stream = StreamName.account(parsed.userID)
        let loaded = try loadAccount(stream)
        guard loaded.state.status == .active else { throw invalid }
        let now = platform.clock.now()
        let next = platform.tokens.refreshToken(userID: parsed.userID, familyID: parsed.familyID, now: now)
        let decision: Identity.Account.Decision
        do {
            decision = try Identity.Account.decision(
                .refresh(familyID: parsed.familyID, presentedTokenHash: parsed.hash, next: next.issued, now: now), loaded.state)
        } catch {
            throw APIError.unauthenticated(error.message)
        }
        let position = try await platform.record(decision.events, to: stream, expectedVersion: .exactly(loaded.version), by: nil)
        if let refusal = decision.refusal { throw APIError.unauthenticated(refusal.message) }
        let pair = TokenPair(
            accessToken: try platform.tokens.accessToken(userID: parsed.userID, role: loaded.state.role, now: now),
            refreshToken: next.token, expiresIn: Int(TokenService.accessLifetime)
        )
        return try JSONResponse.command(pair, position: position)
    }

    func logout(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(RefreshBody.self)
        guard let parsed = platform.tokens.parseRefreshToken(body.refreshToken) else {
            throw APIError.unauthenticated("this refresh token is not valid")
        }
        let committed = try await platform.execute(
            .logOut(familyID: parsed.familyID, presentedTokenHash: parsed.hash, now: platform.clock.now()),
            on: Identity.Account.self, stream: StreamName.account(parsed.userID), by: nil
        )
        return JSONResponse.command(position: committed.position)
    }

    func forgotPassword(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        try limitAuth(context)
        let body = try await request.decodeJSON(EmailBody.self)
        let email = try normalizedEmail(body.email)
        let platform = self.platform
        let key = emailKey(email)
        // The work happens after the answer, so an existing and a missing account answer in the same time.
        Task.detached {
            guard let userID = try? platform.load(Identity.EmailClaim.self, stream: StreamName.emailClaim(key)).holder else { return }
            let now = platform.clock.now()
            let token = platform.tokens.mailToken(userID: userID, lifetime: TokenService.resetLifetime, now: now)
            guard (try? await platform.execute(.requestPasswordReset(token.issued, now: now), on: Identity.Account.self,
                                               stream: StreamName.account(userID), by: nil)) != nil
            else { return }
            try? await platform.mailer.send(MailMessage(
                to: email, subject: "Réinitialisation du mot de passe / Password reset",
                body: """
                Pour choisir un nouveau mot de passe, utilisez ce jeton dans l'heure :
                To choose a new password, use this token within the hour:

                \(token.token)

                POST /auth/reset-password {"token": "…", "newPassword": "…"}

                Si vous n'avez rien demandé, ignorez ce message. / If you did not ask, ignore this message.
                """
            ))
        }
        return Response(status: .accepted)
    }

    func resetPassword(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        try limitAuth(context)
        let body = try await request.decodeJSON(ResetBody.self)
        guard let parsed = platform.tokens.parseMailToken(body.token) else {
            throw APIError.invalid("token", "this reset link is unknown or was already used")
        }
        try validatePassword(body.newPassword, field: "newPassword")
        let password = NewPassword(plaintext: body.newPassword, hash: try hashPassword(body.newPassword))
        let committed = try await platform.execute(
            .resetPassword(tokenHash: parsed.hash, newPassword: password, now: platform.clock.now()),
            on: Identity.Account.self, stream: StreamName.account(parsed.userID), by: nil
        )
        return JSONResponse.command(position: committed.position)
    }

    func verifyEmail(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        guard let token = try QueryParameters(request).string("token", maxLength: 200) else {
            throw APIError.badRequest("add ?token= from the verification mail", field: "token")
        }
        guard let parsed = platform.tokens.parseMailToken(token) else {
            throw APIError.invalid("token", "this verification link is unknown or was already used")
        }
        let committed = try await platform.execute(
            .verifyEmail(tokenHash: parsed.hash, now: platform.clock.now()),
            on: Identity.Account.self, stream: StreamName.account(parsed.userID), by: nil
        )
        return try JSONResponse.command(Verified(), position: committed.position)
    }

    func enableTwoFactor(_ context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let secret = TOTP.generateSecret()
        let sealed = try AES256GCM.seal(secret, key: platform.secrets.totpKey, authenticating: Array(user.id.uuidString.lowercased().utf8))
        let committed = try await platform.execute(
            .startTwoFactor(secretCiphertext: Base64.encode(sealed), by: (try context.requirePrincipal()), now: platform.clock.now()),
            on: Identity.Account.self, stream: StreamName.account(user.id), by: context.principal
        )
        let label = "user-\(user.id.uuidString.lowercased().suffix(8))" // the random end: ids begin with their time
        let setup = TwoFactorSetup(
            secret: Base32.encode(secret), otpauthUri: TOTP(secret: secret).provisioningURI(issuer: "ProTalent", account: label)
        )
        return try JSONResponse.command(setup, position: committed.position)
    }

    func verifyTwoFactor(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let body = try await request.decodeJSON(CodeBody.self)
        let stream = StreamName.account(user.id)
        let state = try loadAccount(stream).state
        let now = platform.clock.now()
        let check = try totpCheck(body.code, state: state, userID: user.id, now: now, field: "code")
        let committed = try await platform.execute(
            .confirmTwoFactor(check, by: (try context.requirePrincipal()), now: now), on: Identity.Account.self, stream: stream, by: context.principal
        )
        return JSONResponse.command(position: committed.position)
    }

    // MARK: Helpers

    /// A valid scrypt hash of a random password: what a login for an unknown address is checked against.
    static let decoyHash: String = (try? PasswordHasher().hash(Base64.encode(SecureRandom.bytes(count: 16)))) ?? ""

    func loadAccount(_ stream: String) throws(APIError) -> (state: Identity.Account.State, version: Int64) {
        do {
            let loaded = try platform.store.load(Identity.Account.self, stream: stream)
            return (loaded.state, loaded.version)
        } catch {
            throw .unavailable("the event store could not be read; try again shortly", retryAfter: 1)
        }
    }

    func normalizedEmail(_ raw: String) throws(APIError) -> String {
        do {
            return try EmailAddress.normalized(raw)
        } catch {
            throw .invalid(error.field, error.message)
        }
    }

    func validatePassword(_ password: String, field: String) throws(APIError) {
        do {
            try PasswordPolicy.check(password, field)
        } catch {
            throw .invalid(error.field, error.message)
        }
    }

    func hashPassword(_ password: String) throws -> String {
        try platform.configuration.passwordHasher.hash(password)
    }

    func emailKey(_ normalized: String) -> String { platform.emailKey(normalized) }

    func totpCheck(
        _ code: String?, state: Identity.Account.State, userID: UUID, now: Date, field: String
    ) throws(APIError) -> Identity.Account.TotpCheck {
        guard let code, !code.isEmpty else { return .notProvided }
        guard let sealed = state.twoFactor.secretCiphertext.flatMap({ Base64.decode($0) }),
              let secret = try? AES256GCM.open(sealed, key: platform.secrets.totpKey, authenticating: Array(userID.uuidString.lowercased().utf8))
        else { return .invalid }
        guard code.count == 6, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber) else { return .invalid }
        // lastUsedStep is left to the decider, which records reuse as a failed login.
        guard let step = TOTP(secret: secret).verify(code, at: Int64(now.timeIntervalSince1970), window: 1) else { return .invalid }
        return .valid(step: step)
    }

    func limitAuth(_ context: AppRequestContext) throws(APIError) {
        let limits = platform.configuration.rateLimits
        guard limits.enabled else { return }
        if let wait = platform.limiter.take("auth:\(context.peerAddress ?? "local")", rule: limits.authPerIP, now: platform.clock.now()) {
            throw .tooManyRequests("too many sign-in requests from this address; try again later", retryAfter: wait)
        }
    }

    func noteLoginFailure(_ key: String) {
        let limits = platform.configuration.rateLimits
        guard limits.enabled else { return }
        _ = platform.limiter.take(key, rule: limits.loginFailuresPerIP, now: platform.clock.now())
    }

    func sendVerification(to email: String, firstName: String, token: String) async throws {
        try await platform.mailer.send(MailMessage(
            to: email, subject: "Vérifiez votre adresse / Verify your email address",
            body: """
            Bonjour \(firstName.prefix(100)),

            Pour vérifier votre adresse, ouvrez ce lien / To verify your address, open this link:

            /auth/verify-email?token=\(token)

            Ce lien expire dans 48 heures. / This link expires in 48 hours.
            """
        ))
    }
}
