import EventSourcing
import Foundation

extension Identity.Account {
    /// A decision: the events to append and, when the caller must still be refused, why.
    ///
    /// The application appends `events` first (even when `refusal` is set: a counted failure, a
    /// lock-out, a revoked family must be remembered) and then answers with `refusal`, if any.
    public struct Decision: Sendable, Equatable {
        public var events: [Event]
        public var refusal: Rejection?
        /// Set when a refresh presents a token spent within `refreshGracePeriod`: answer the
        /// family's current token again rather than rotate.
        public var repeatedRefresh: RepeatedRefresh?

        public init(_ events: [Event], refusal: Rejection? = nil, repeatedRefresh: RepeatedRefresh? = nil) {
            self.events = events
            self.refusal = refusal
            self.repeatedRefresh = repeatedRefresh
        }
    }

    /// A refresh token presented again soon after it was spent: the family's current token, which
    /// the application derives again from the presented one.
    public struct RepeatedRefresh: Sendable, Equatable {
        /// How many successor derivations lead from the presented token to the current one (1: the
        /// current token is the presented one's own successor).
        public var derivations: Int
        /// The current token's hash, which the derived token must match.
        public var tokenHash: String
    }

    /// The events of a command; for `logIn` and `refresh` prefer `decision(_:_:)`, which also says
    /// whether to refuse after appending.
    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        try decision(command, state).events
    }

    /// Decides a command: throws when nothing is to be recorded, returns events and an optional
    /// refusal otherwise.
    public static func decision(_ command: Command, _ state: State) throws(Rejection) -> Decision {
        if case .register(let registration) = command { return Decision(try register(registration, state)) }
        guard state.status != .erased else { throw .notFound("this account was erased") }
        guard state.status == .active, let userID = state.userID else { throw .notFound("no such account") }

        switch command {
        case .register:
            preconditionFailure("handled above")

        case .issueEmailVerification(let token, let now):
            if state.emailVerified { throw .conflict("the email address is already verified") }
            return Decision([.emailVerificationIssued(TokenIssued(userId: userID, tokenHash: token.tokenHash, expiresAt: token.expiresAt, issuedAt: now))])

        case .verifyEmail(let tokenHash, let now):
            guard let token = state.verificationToken, token.tokenHash == tokenHash else {
                throw .invalid("token", "this verification link is unknown or was already used")
            }
            guard now < token.expiresAt else {
                throw .invalid("token", "this verification link has expired; ask for a new one")
            }
            return Decision([.emailVerified(Occurred(userId: userID, at: now))])

        case .changePassword(let currentMatches, let newPassword, let principal, let now):
            guard principal.isUser(userID) else { throw .forbidden("only the account holder can change their password") }
            guard currentMatches else { throw .invalid("currentPassword", "the current password is incorrect") }
            try Rejection.check { () throws(FieldError) in try PasswordPolicy.check(newPassword.plaintext, "newPassword") }
            return Decision([.passwordChanged(PasswordSet(userId: userID, passwordHash: Personal(newPassword.hash), at: now))])

        case .requestPasswordReset(let token, let now):
            return Decision([.passwordResetRequested(TokenIssued(userId: userID, tokenHash: token.tokenHash, expiresAt: token.expiresAt, issuedAt: now))])

        case .resetPassword(let tokenHash, let newPassword, let now):
            guard let token = state.resetToken, token.tokenHash == tokenHash else {
                throw .invalid("token", "this reset link is unknown or was already used")
            }
            guard now < token.expiresAt else { throw .invalid("token", "this reset link has expired; ask for a new one") }
            try Rejection.check { () throws(FieldError) in try PasswordPolicy.check(newPassword.plaintext, "newPassword") }
            // A reset means the password may have leaked: every open login ends.
            let revocations = state.refreshFamilies.filter { !$0.value.revoked }.keys.sorted { $0.uuidString < $1.uuidString }
                .map { Event.refreshFamilyRevoked(FamilyRevoked(userId: userID, familyId: $0, reason: .passwordReset, at: now)) }
            return Decision([.passwordReset(PasswordSet(userId: userID, passwordHash: Personal(newPassword.hash), at: now))] + revocations)

        case .logIn(let attempt):
            return try logIn(attempt, userID: userID, state)

        case .refresh(let familyID, let presented, let next, let now):
            guard let family = state.refreshFamilies[familyID] else { throw .forbidden("this refresh token is not valid; log in again") }
            guard !family.revoked else { throw .forbidden("this login was ended; log in again") }
            if family.spentTokens[presented] != nil {
                // The same client asking twice at once (or retrying a lost answer) gets the same token again.
                if let repeated = repeatedRefresh(family, presented: presented, derivedSuccessor: next.tokenHash, now: now) {
                    guard now < family.expiresAt else { throw .forbidden("this refresh token has expired; log in again") }
                    return Decision([], repeatedRefresh: repeated)
                }
                // Someone replays a spent token: either they or the holder stole it. End the login for both.
                return Decision(
                    [.refreshFamilyRevoked(FamilyRevoked(userId: userID, familyId: familyID, reason: .reuseDetected, at: now))],
                    refusal: .forbidden("this refresh token was already used; the login has been revoked, log in again")
                )
            }
            guard family.currentTokenHash == presented else { throw .forbidden("this refresh token is not valid; log in again") }
            guard now < family.expiresAt else { throw .forbidden("this refresh token has expired; log in again") }
            return Decision([.refreshTokenRotated(TokenRotated(
                userId: userID, familyId: familyID, previousTokenHash: presented, tokenHash: next.tokenHash,
                expiresAt: next.expiresAt, at: now
            ))])

        case .logOut(let familyID, let presented, let now):
            guard let family = state.refreshFamilies[familyID], !family.revoked else { return Decision([]) }
            guard family.currentTokenHash == presented || family.spentTokens[presented] != nil else {
                throw .forbidden("this refresh token does not belong to this login")
            }
            return Decision([.refreshFamilyRevoked(FamilyRevoked(userId: userID, familyId: familyID, reason: .logout, at: now))])

        case .startTwoFactor(let secret, let recoveryCodeHashes, let confirmation, let principal, let now):
            guard principal.isUser(userID) else { throw .forbidden("only the account holder can set up two-factor authentication") }
            if case .on = state.twoFactor { throw .conflict("two-factor authentication is already on; disable it first") }
            // The password, so that a stolen access token alone cannot put a second factor between the owner and the account.
            if case .failed(let refused) = try check(confirmation, for: .twoFactorSetUp, userID: userID, state, now: now) { return refused }
            return Decision([
                .twoFactorStarted(TwoFactorStarted(userId: userID, secretCiphertext: secret, at: now)),
                .recoveryCodesIssued(RecoveryCodesIssued(userId: userID, codeHashes: recoveryCodeHashes, at: now)),
            ])

        case .confirmTwoFactor(let check, let principal, let now):
            guard principal.isUser(userID) else { throw .forbidden("only the account holder can confirm two-factor authentication") }
            guard case .pending = state.twoFactor else {
                throw .conflict(state.twoFactor == .off ? "start two-factor set-up first" : "two-factor authentication is already on")
            }
            let step = try acceptedStep(check, state)
            return Decision([.twoFactorEnabled(TwoFactorChanged(userId: userID, totpStep: step, at: now))])

        case .disableTwoFactor(let confirmation, let principal, let now):
            guard principal.isUser(userID) else { throw .forbidden("only the account holder can disable two-factor authentication") }
            guard case .on = state.twoFactor else { throw .conflict("two-factor authentication is not on") }
            switch try check(confirmation, for: .twoFactorRemoval, userID: userID, state, now: now) {
            case .failed(let refused):
                return refused
            case .passed(let spent, let step):
                return Decision(spent + [.twoFactorDisabled(TwoFactorDisabled(userId: userID, totpStep: step, at: now))])
            }

        case .grantRole(let role, let principal, let now):
            guard principal.isAdministrator else { throw .forbidden("only an admin can change roles") }
            guard !principal.isUser(userID) else { throw .forbidden("nobody can change their own role") }
            if state.role == role { return Decision([]) }
            return Decision([.roleChanged(RoleChanged(userId: userID, role: role, previousRole: state.role, changedBy: principal.userID, at: now))])

        case .erase(let principal, let confirmation, let now):
            guard principal.isUser(userID) || principal.isAdministrator else {
                throw .forbidden("only the account holder or an admin can erase an account")
            }
            // The holder confirms with their credentials (a bearer token alone must not erase anyone);
            // an admin erasing someone else's account does not know them.
            var spent: [Event] = []
            if principal.isUser(userID) {
                guard let confirmation else { throw .invalid("password", "confirm the erasure with your password") }
                switch try check(confirmation, for: .erasure, userID: userID, state, now: now) {
                case .failed(let refused): return refused
                case .passed(let used, _): spent = used
                }
            }
            let revocations = state.refreshFamilies.filter { !$0.value.revoked }.keys.sorted { $0.uuidString < $1.uuidString }
                .map { Event.refreshFamilyRevoked(FamilyRevoked(userId: userID, familyId: $0, reason: .accountErased, at: now)) }
            return Decision(spent + revocations + [.erased(Erased(userId: userID, emailKey: state.emailKey ?? "", erasedBy: principal.userID, at: now))])

        case .signInWithProvider(let attempt):
            return try signIn(attempt, userID: userID, state)

        case .linkProvider(let identity, let principal, let now):
            return try link(identity, by: principal, userID: userID, state, now: now)

        case .unlinkProvider(let provider, let principal, let now):
            return try unlink(provider: provider, by: principal, userID: userID, state, now: now)

        case .issueCalendarFeed(let secretHash, let principal, let now):
            guard principal.isUser(userID) else { throw .forbidden("only the account holder can get their calendar feed") }
            return Decision([.calendarFeedIssued(CalendarFeedIssued(userId: userID, secretHash: secretHash, at: now))])
        }
    }

    private static func register(_ r: Registration, _ state: State) throws(Rejection) -> [Event] {
        guard state.status == .unregistered else { throw .conflict("this account already exists") }
        let selfService: Set<Role> = [.student, .mentor]
        guard selfService.contains(r.role) || r.registeredBy == .system else {
            throw .invalid("role", "role must be student or mentor")
        }
        let (email, firstName, lastName, country, city) = try Rejection.check { () throws(FieldError) in
            (
                try EmailAddress.validated(r.email),
                try Validate.text(r.firstName, "firstName", max: 100),
                try Validate.text(r.lastName, "lastName", max: 100),
                try CountryCode.validated(optional: r.countryCode, "countryCode"),
                try Validate.optionalText(r.city, "city", max: 100)
            )
        }
        if let password = r.password {
            try Rejection.check { () throws(FieldError) in try PasswordPolicy.check(password.plaintext) }
        } else if r.provider == nil {
            throw .invalid("password", "a password is required")
        }
        var events: [Event] = [
            .registered(Registered(
                userId: r.userID, email: Personal(email), emailKey: r.emailKey, passwordHash: r.password.map { Personal($0.hash) },
                firstName: Personal(firstName), lastName: Personal(lastName), role: r.role, countryCode: country,
                city: city.map(Personal.init), registeredBy: r.registeredBy?.userID, registeredAt: r.now
            )),
        ]
        if let identity = r.provider { events.append(.providerLinked(linked(identity, userID: r.userID, now: r.now))) }
        events.append(r.emailVerifiedByProvider && r.provider != nil
            ? .emailVerified(Occurred(userId: r.userID, at: r.now))
            : .emailVerificationIssued(TokenIssued(
                userId: r.userID, tokenHash: r.verification.tokenHash, expiresAt: r.verification.expiresAt, issuedAt: r.now
            )))
        return events
    }

    private static func logIn(_ attempt: LoginAttempt, userID: UUID, _ state: State) throws(Rejection) -> Decision {
        let now = attempt.now
        let credentials = Confirmation(passwordMatches: attempt.passwordMatches, secondFactor: attempt.secondFactor)
        switch try check(credentials, for: .login, userID: userID, state, now: now) {
        case .failed(let refused):
            return refused
        case .passed(let spent, let step):
            return Decision(spent + [
                .loginSucceeded(LoginSucceeded(userId: userID, familyId: attempt.familyID, totpStep: step, at: now)),
                .refreshFamilyIssued(FamilyIssued(
                    userId: userID, familyId: attempt.familyID, tokenHash: attempt.refreshToken.tokenHash,
                    expiresAt: attempt.refreshToken.expiresAt, at: now
                )),
            ])
        }
    }

    /// Credentials that passed (with what they spent: a recovery code, a TOTP step), or the
    /// decision recording why they did not.
    private enum Checked {
        case passed(spent: [Event], totpStep: Int64?)
        case failed(Decision)
    }

    /// Checks the password and, when 2FA is on, the second factor of a login or a confirmation.
    /// Throws, recording nothing, when the account is locked or the code is missing.
    private static func check(
        _ credentials: Confirmation, for purpose: CredentialPurpose, userID: UUID, _ state: State, now: Date
    ) throws(Rejection) -> Checked {
        if let until = state.lockedUntil, now < until {
            throw .forbidden("too many failed attempts; the account is locked until \(until.formatted(.iso8601))")
        }
        guard credentials.passwordMatches else { return .failed(failure(.badPassword, purpose, userID: userID, state, now: now)) }
        guard case .on = state.twoFactor else { return .passed(spent: [], totpStep: nil) }
        switch credentials.secondFactor {
        case .notProvided:
            let field = purpose == .login ? "totpCode" : "code"
            throw .invalid(field, "this account uses two-factor authentication: send \(field), from the authenticator app or a recovery code")
        case .invalid:
            return .failed(failure(.badTotp, purpose, userID: userID, state, now: now))
        case .totp(let step):
            if let last = state.lastTotpStep, step <= last { return .failed(failure(.totpReused, purpose, userID: userID, state, now: now)) }
            return .passed(spent: [], totpStep: step)
        case .recoveryCode(let hash):
            guard state.recoveryCodeHashes.contains(hash) else {
                return .failed(failure(.badRecoveryCode, purpose, userID: userID, state, now: now))
            }
            return .passed(spent: [.recoveryCodeUsed(RecoveryCodeUsed(userId: userID, codeHash: hash, purpose: purpose, at: now))], totpStep: nil)
        }
    }

    /// A failed check, counted towards the lock (the fifth within the window locks the account),
    /// and the refusal to answer: 401-like for a login, the field to correct for a confirmation.
    private static func failure(
        _ reason: LoginFailureReason, _ purpose: CredentialPurpose, userID: UUID, _ state: State, now: Date
    ) -> Decision {
        var events: [Event] = [purpose == .login
            ? .loginFailed(LoginFailed(userId: userID, reason: reason, at: now))
            : .confirmationFailed(ConfirmationFailed(userId: userID, purpose: purpose, reason: reason, at: now))]
        let failures = state.recentFailures.filter { now.timeIntervalSince($0) < failureWindow }.count + 1
        if failures >= maxFailures {
            events.append(.locked(Locked(userId: userID, failures: failures, until: now.addingTimeInterval(lockDuration), at: now)))
        }
        let message = switch reason {
        case .badPassword: purpose == .login ? "the email or password is incorrect" : "the password is incorrect"
        case .badTotp: "the two-factor code is incorrect"
        case .totpReused: "this two-factor code was already used; wait for the next one"
        case .badRecoveryCode: "this recovery code is unknown or was already used"
        }
        guard purpose != .login else { return Decision(events, refusal: .forbidden(message)) }
        return Decision(events, refusal: .invalid(reason == .badPassword ? "password" : "code", message))
    }

    /// How many derivations lead from `presented`, spent less than `refreshGracePeriod` ago for
    /// `derivedSuccessor`, to the family's current token; `nil` past the grace period (or for a
    /// token whose successor was not derived from it).
    private static func repeatedRefresh(
        _ family: RefreshFamily, presented: String, derivedSuccessor: String, now: Date
    ) -> RepeatedRefresh? {
        guard let spent = family.spentTokens[presented], spent.successorHash == derivedSuccessor,
              now.timeIntervalSince(spent.spentAt) < refreshGracePeriod
        else { return nil }
        var hash = spent.successorHash
        var derivations = 1
        while hash != family.currentTokenHash {
            // Each spent token has one successor; the count bounds the walk should the chain be broken.
            guard let next = family.spentTokens[hash], derivations < family.spentTokens.count else { return nil }
            hash = next.successorHash
            derivations += 1
        }
        return RepeatedRefresh(derivations: derivations, tokenHash: hash)
    }

    private static func acceptedStep(_ check: SecondFactorCheck, _ state: State) throws(Rejection) -> Int64 {
        switch check {
        case .notProvided, .recoveryCode: throw .invalid("code", "send the 6-digit code from the authenticator app")
        case .invalid: throw .invalid("code", "the code is incorrect")
        case .totp(let step):
            if let last = state.lastTotpStep, step <= last {
                throw .invalid("code", "this code was already used; wait for the next one")
            }
            return step
        }
    }
}
