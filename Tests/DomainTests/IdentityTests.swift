import Foundation
import Testing
import EventSourcing
@testable import Domain

private typealias Account = Identity.Account
private typealias EmailClaim = Identity.EmailClaim

private let user = Fixture.id(1)
private let admin = Fixture.id(9)
private let now = Fixture.now
private let verification = IssuedToken(tokenHash: "verify-hash", expiresAt: Fixture.days(1))

private func registration(
    email: String = "Awa.Diop@Example.org", password: String = "correct horse battery", role: Role = .student,
    by: Principal? = nil
) -> Account.Registration {
    Account.Registration(
        userID: user, email: email, emailKey: "key-awa", password: NewPassword(plaintext: password, hash: "scrypt$hash"),
        firstName: " Awa ", lastName: "Diop", role: role, countryCode: "sn", city: "Dakar",
        verification: verification, registeredBy: by, now: now
    )
}

private let registered = Account.Event.registered(Account.Registered(
    userId: user, email: Personal("awa.diop@example.org"), emailKey: "key-awa", passwordHash: Personal("scrypt$hash"),
    firstName: Personal("Awa"), lastName: Personal("Diop"), role: .student, countryCode: "SN", city: Personal("Dakar"),
    registeredBy: nil, registeredAt: now
))
private let verificationIssued = Account.Event.emailVerificationIssued(Account.TokenIssued(
    userId: user, tokenHash: "verify-hash", expiresAt: Fixture.days(1), issuedAt: now
))
private let history: [Account.Event] = [registered, verificationIssued]
private let me = Principal.user(user, .student)

private func family(_ id: Int, hash: String, at: Date = now) -> Account.Event {
    .refreshFamilyIssued(Account.FamilyIssued(userId: user, familyId: Fixture.id(id), tokenHash: hash, expiresAt: Fixture.days(30, after: at), at: at))
}

private func login(password: Bool = true, code: Account.SecondFactorCheck = .notProvided, at: Date = now, family: Int = 100) -> Account.Command {
    .logIn(Account.LoginAttempt(
        passwordMatches: password, secondFactor: code, familyID: Fixture.id(family),
        refreshToken: IssuedToken(tokenHash: "rt-\(family)", expiresAt: Fixture.days(30, after: at)), now: at
    ))
}

@Suite struct RegistrationTests {
    @Test func registersWithNormalisedValuesAndAVerificationToken() {
        Given(Account.self).when(.register(registration())).then(history)
    }

    @Test func claimsTheEmailInTheSameDecision() throws {
        let decision = try Identity.register(registration(), emailClaim: EmailClaim.initialState, account: Account.initialState)
        #expect(decision.account == history)
        #expect(decision.emailClaim == [.claimed(EmailClaim.Change(key: "key-awa", userId: user, at: now))])
    }

    @Test func aTakenEmailIsAConflict() {
        let claim = EmailClaim.fold([.claimed(EmailClaim.Change(key: "key-awa", userId: Fixture.id(2), at: now))])
        #expect(throws: Identity.Rejection.conflict("an account with this email already exists; log in or reset the password", field: "email")) {
            try Identity.register(registration(), emailClaim: claim, account: Account.initialState)
        }
    }

    @Test func aReleasedEmailCanBeClaimedAgain() {
        Given(EmailClaim.self, [
            .claimed(EmailClaim.Change(key: "k", userId: Fixture.id(2), at: now)),
            .released(EmailClaim.Change(key: "k", userId: Fixture.id(2), at: now)),
        ]).when(.claim(key: "k", userID: user, now: now))
            .then([.claimed(EmailClaim.Change(key: "k", userId: user, at: now))])
    }

    @Test func passwordsShorterThanTenCharactersAreRefused() {
        Given(Account.self).when(.register(registration(password: "short1234"))).thenRejected(.invalid, field: "password")
    }

    @Test func commonPasswordsAreRefused() {
        Given(Account.self).when(.register(registration(password: "Password123"))).thenRejected(.invalid, field: "password", messageContains: "common")
    }

    @Test func malformedEmailsAreRefused() {
        Given(Account.self).when(.register(registration(email: "awa@localhost"))).thenRejected(.invalid, field: "email")
    }

    @Test func selfServiceRolesAreStudentOrMentorOnly() {
        Given(Account.self).when(.register(registration(role: .admin))).thenRejected(.invalid, field: "role")
        Given(Account.self).when(.register(registration(role: .mentor))).events().first.map { event in
            if case .registered(let payload) = event { #expect(payload.role == .mentor) }
        }
    }

    @Test func theSystemBootstrapsAnAdmin() {
        let events = Given(Account.self).when(.register(registration(role: .admin, by: .system))).events()
        guard case .registered(let payload) = events.first else { Issue.record("no registration"); return }
        #expect(payload.role == .admin)
    }

    @Test func registeringTwiceIsAConflict() {
        Given(Account.self, history).when(.register(registration())).thenRejected(.conflict)
    }

    @Test func personalDataBelongsToTheUser() {
        #expect(registered.personalDataSubject == user)
        #expect(verificationIssued.personalDataSubject == nil)
    }
}

@Suite struct EmailVerificationTests {
    @Test func aValidTokenVerifiesTheEmail() {
        Given(Account.self, history).when(.verifyEmail(tokenHash: "verify-hash", now: Fixture.minutes(5)))
            .then([.emailVerified(Account.Occurred(userId: user, at: Fixture.minutes(5)))])
    }

    @Test func theTokenIsSingleUse() {
        Given(Account.self, history + [.emailVerified(Account.Occurred(userId: user, at: now))])
            .when(.verifyEmail(tokenHash: "verify-hash", now: Fixture.minutes(5))).thenRejected(.invalid, field: "token")
    }

    @Test func anExpiredTokenIsRefused() {
        Given(Account.self, history).when(.verifyEmail(tokenHash: "verify-hash", now: Fixture.days(2)))
            .thenRejected(.invalid, field: "token", messageContains: "expired")
    }

    @Test func aWrongTokenIsRefused() {
        Given(Account.self, history).when(.verifyEmail(tokenHash: "other", now: now)).thenRejected(.invalid, field: "token")
    }
}

@Suite struct PasswordTests {
    private let newPassword = NewPassword(plaintext: "a much longer secret", hash: "scrypt$new")

    @Test func theHolderChangesTheirPassword() {
        Given(Account.self, history).when(.changePassword(currentPasswordMatches: true, newPassword: newPassword, by: me, now: now))
            .then([.passwordChanged(Account.PasswordSet(userId: user, passwordHash: Personal("scrypt$new"), at: now))])
    }

    @Test func changingNeedsTheCurrentPassword() {
        Given(Account.self, history).when(.changePassword(currentPasswordMatches: false, newPassword: newPassword, by: me, now: now))
            .thenRejected(.invalid, field: "currentPassword")
    }

    @Test func theNewPasswordFollowsThePolicy() {
        Given(Account.self, history)
            .when(.changePassword(currentPasswordMatches: true, newPassword: NewPassword(plaintext: "qwertyuiop", hash: "h"), by: me, now: now))
            .thenRejected(.invalid, field: "newPassword")
    }

    @Test func nobodyElseChangesIt() {
        Given(Account.self, history)
            .when(.changePassword(currentPasswordMatches: true, newPassword: newPassword, by: .user(admin, .admin), now: now))
            .thenRejected(.forbidden)
    }

    @Test func aResetRevokesEveryRefreshFamily() {
        let requested = Account.Event.passwordResetRequested(Account.TokenIssued(userId: user, tokenHash: "reset", expiresAt: Fixture.minutes(60), issuedAt: now))
        let revokedAlready = Account.Event.refreshFamilyRevoked(Account.FamilyRevoked(userId: user, familyId: Fixture.id(102), reason: .logout, at: now))
        Given(Account.self, history + [family(101, hash: "a"), family(102, hash: "b"), revokedAlready, family(103, hash: "c"), requested])
            .when(.resetPassword(tokenHash: "reset", newPassword: newPassword, now: Fixture.minutes(10)))
            .then([
                .passwordReset(Account.PasswordSet(userId: user, passwordHash: Personal("scrypt$new"), at: Fixture.minutes(10))),
                .refreshFamilyRevoked(Account.FamilyRevoked(userId: user, familyId: Fixture.id(101), reason: .passwordReset, at: Fixture.minutes(10))),
                .refreshFamilyRevoked(Account.FamilyRevoked(userId: user, familyId: Fixture.id(103), reason: .passwordReset, at: Fixture.minutes(10))),
            ])
    }

    @Test func aResetTokenIsSingleUseAndExpires() {
        let requested = Account.Event.passwordResetRequested(Account.TokenIssued(userId: user, tokenHash: "reset", expiresAt: Fixture.minutes(60), issuedAt: now))
        let reset = Account.Event.passwordReset(Account.PasswordSet(userId: user, passwordHash: Personal("x"), at: now))
        Given(Account.self, history + [requested, reset])
            .when(.resetPassword(tokenHash: "reset", newPassword: newPassword, now: Fixture.minutes(10))).thenRejected(.invalid, field: "token")
        Given(Account.self, history + [requested])
            .when(.resetPassword(tokenHash: "reset", newPassword: newPassword, now: Fixture.minutes(61))).thenRejected(.invalid, field: "token")
    }
}

@Suite struct LoginTests {
    @Test func aSuccessOpensARefreshFamily() {
        Given(Account.self, history).when(login()).then([
            .loginSucceeded(Account.LoginSucceeded(userId: user, familyId: Fixture.id(100), totpStep: nil, at: now)),
            family(100, hash: "rt-100"),
        ])
    }

    @Test func aFailureIsRecordedAndRefused() throws {
        let decision = try Account.decision(login(password: false), Account.fold(history))
        #expect(decision.events == [.loginFailed(Account.LoginFailed(userId: user, reason: .badPassword, at: now))])
        #expect(decision.refusal?.category == .forbidden)
    }

    @Test func theFifthFailureWithinFifteenMinutesLocksTheAccount() throws {
        let failures = (0..<4).map { Account.Event.loginFailed(Account.LoginFailed(userId: user, reason: .badPassword, at: Fixture.minutes(Double($0)))) }
        let at = Fixture.minutes(10)
        let decision = try Account.decision(login(password: false, at: at), Account.fold(history + failures))
        #expect(decision.events == [
            .loginFailed(Account.LoginFailed(userId: user, reason: .badPassword, at: at)),
            .locked(Account.Locked(userId: user, failures: 5, until: Fixture.minutes(25), at: at)),
        ])
        #expect(decision.refusal != nil)
    }

    @Test func oldFailuresDoNotCount() throws {
        let failures = (0..<4).map { Account.Event.loginFailed(Account.LoginFailed(userId: user, reason: .badPassword, at: Fixture.minutes(Double($0)))) }
        let decision = try Account.decision(login(password: false, at: Fixture.minutes(16)), Account.fold(history + failures))
        #expect(decision.events == [.loginFailed(Account.LoginFailed(userId: user, reason: .badPassword, at: Fixture.minutes(16)))])
    }

    @Test func aLockedAccountRefusesEvenTheRightPasswordUntilTheLockEnds() {
        let locked = Account.Event.locked(Account.Locked(userId: user, failures: 5, until: Fixture.minutes(15), at: now))
        Given(Account.self, history + [locked]).when(login(at: Fixture.minutes(14))).thenRejected(.forbidden, messageContains: "locked")
        #expect(Given(Account.self, history + [locked]).when(login(at: Fixture.minutes(15))).events().count == 2)
    }

    @Test func withTwoFactorTheCodeIsRequired() {
        let twoFactor: [Account.Event] = [
            .twoFactorStarted(Account.TwoFactorStarted(userId: user, secretCiphertext: "enc", at: now)),
            .twoFactorEnabled(Account.TwoFactorChanged(userId: user, totpStep: 1000, at: now)),
        ]
        Given(Account.self, history + twoFactor).when(login()).thenRejected(.invalid, field: "totpCode")
        Given(Account.self, history + twoFactor).when(login(code: .totp(step: 1001))).then([
            .loginSucceeded(Account.LoginSucceeded(userId: user, familyId: Fixture.id(100), totpStep: 1001, at: now)),
            family(100, hash: "rt-100"),
        ])
    }

    @Test func aTotpStepCannotBeReused() throws {
        let twoFactor: [Account.Event] = [
            .twoFactorStarted(Account.TwoFactorStarted(userId: user, secretCiphertext: "enc", at: now)),
            .twoFactorEnabled(Account.TwoFactorChanged(userId: user, totpStep: 1000, at: now)),
        ]
        let decision = try Account.decision(login(code: .totp(step: 1000)), Account.fold(history + twoFactor))
        #expect(decision.events == [.loginFailed(Account.LoginFailed(userId: user, reason: .totpReused, at: now))])
        #expect(decision.refusal != nil)
    }

    @Test func anErasedAccountCannotLogIn() {
        let erased = Account.Event.erased(Account.Erased(userId: user, emailKey: "key-awa", erasedBy: user, at: now))
        Given(Account.self, history + [erased]).when(login()).thenRejected(.notFound)
    }
}

@Suite struct RefreshTokenTests {
    private let opened = history + [family(100, hash: "rt-1")]

    @Test func aRefreshSpendsTheCurrentToken() {
        Given(Account.self, opened)
            .when(.refresh(familyID: Fixture.id(100), presentedTokenHash: "rt-1", next: IssuedToken(tokenHash: "rt-2", expiresAt: Fixture.days(31)), now: Fixture.days(1)))
            .then([.refreshTokenRotated(Account.TokenRotated(
                userId: user, familyId: Fixture.id(100), previousTokenHash: "rt-1", tokenHash: "rt-2", expiresAt: Fixture.days(31), at: Fixture.days(1)
            ))])
    }

    private let rotated = Account.Event.refreshTokenRotated(Account.TokenRotated(
        userId: user, familyId: Fixture.id(100), previousTokenHash: "rt-1", tokenHash: "rt-2", expiresAt: Fixture.days(31), at: now
    ))

    private func refresh(_ presented: String, next: String, at: Date) -> Account.Command {
        .refresh(familyID: Fixture.id(100), presentedTokenHash: presented, next: IssuedToken(tokenHash: next, expiresAt: Fixture.days(31)), now: at)
    }

    @Test func replayingASpentTokenAfterTheGracePeriodRevokesTheFamilyAndRefuses() throws {
        let later = now.addingTimeInterval(Account.refreshGracePeriod)
        let decision = try Account.decision(refresh("rt-1", next: "rt-2", at: later), Account.fold(opened + [rotated]))
        #expect(decision.events == [.refreshFamilyRevoked(Account.FamilyRevoked(userId: user, familyId: Fixture.id(100), reason: .reuseDetected, at: later))])
        #expect(decision.refusal?.category == .forbidden)
        #expect(decision.repeatedRefresh == nil)
        // The legitimate holder's current token is dead too.
        Given(Account.self, opened + [rotated] + decision.events).when(refresh("rt-2", next: "rt-4", at: later)).thenRejected(.forbidden)
    }

    @Test func withinTheGracePeriodASpentTokenGetsTheCurrentTokenAgainAndNothingIsRecorded() throws {
        let soon = now.addingTimeInterval(Account.refreshGracePeriod - 1)
        let decision = try Account.decision(refresh("rt-1", next: "rt-2", at: soon), Account.fold(opened + [rotated]))
        #expect(decision == Account.Decision([], repeatedRefresh: Account.RepeatedRefresh(derivations: 1, tokenHash: "rt-2")))
        // The client already refreshed again: the presented token is two derivations behind the current one.
        let again = Account.Event.refreshTokenRotated(Account.TokenRotated(
            userId: user, familyId: Fixture.id(100), previousTokenHash: "rt-2", tokenHash: "rt-3", expiresAt: Fixture.days(31), at: soon
        ))
        let behind = try Account.decision(refresh("rt-1", next: "rt-2", at: soon), Account.fold(opened + [rotated, again]))
        #expect(behind.repeatedRefresh == Account.RepeatedRefresh(derivations: 2, tokenHash: "rt-3"))
    }

    @Test func aSpentTokenWhoseSuccessorWasNotDerivedFromItIsReuseEvenWithinTheGracePeriod() throws {
        let decision = try Account.decision(refresh("rt-1", next: "rt-other", at: now), Account.fold(opened + [rotated]))
        #expect(decision.refusal?.category == .forbidden)
        #expect(decision.repeatedRefresh == nil)
    }

    @Test func anExpiredFamilyIsRefused() {
        Given(Account.self, opened)
            .when(.refresh(familyID: Fixture.id(100), presentedTokenHash: "rt-1", next: IssuedToken(tokenHash: "x", expiresAt: Fixture.days(90)), now: Fixture.days(31)))
            .thenRejected(.forbidden, messageContains: "expired")
    }

    @Test func logoutRevokesTheFamilyOnce() {
        Given(Account.self, opened).when(.logOut(familyID: Fixture.id(100), presentedTokenHash: "rt-1", now: now))
            .then([.refreshFamilyRevoked(Account.FamilyRevoked(userId: user, familyId: Fixture.id(100), reason: .logout, at: now))])
        Given(Account.self, opened + [.refreshFamilyRevoked(Account.FamilyRevoked(userId: user, familyId: Fixture.id(100), reason: .logout, at: now))])
            .when(.logOut(familyID: Fixture.id(100), presentedTokenHash: "rt-1", now: now)).then([])
    }
}

@Suite struct TwoFactorTests {
    private let password = Account.Confirmation(passwordMatches: true)
    private let codes = ["rc-1", "rc-2"]
    private var started: [Account.Event] {
        history + [
            .twoFactorStarted(Account.TwoFactorStarted(userId: user, secretCiphertext: "enc", at: now)),
            .recoveryCodesIssued(Account.RecoveryCodesIssued(userId: user, codeHashes: codes, at: now)),
        ]
    }
    private var on: [Account.Event] { started + [.twoFactorEnabled(Account.TwoFactorChanged(userId: user, totpStep: 42, at: now))] }

    @Test func enrolmentNeedsThePasswordAndStoresOnlyTheCiphertextAndCodeHashes() throws {
        Given(Account.self, history).when(.startTwoFactor(secretCiphertext: "enc", recoveryCodeHashes: codes, password, by: me, now: now))
            .then(Array(started.dropFirst(history.count)))
        #expect(Account.fold(started).twoFactor == .pending(secretCiphertext: "enc"))
        let refused = try Account.decision(
            .startTwoFactor(secretCiphertext: "enc", recoveryCodeHashes: codes, Account.Confirmation(passwordMatches: false), by: me, now: now),
            Account.fold(history)
        )
        #expect(refused.events == [.confirmationFailed(Account.ConfirmationFailed(userId: user, purpose: .twoFactorSetUp, reason: .badPassword, at: now))])
        #expect(refused.refusal?.category == .invalid && refused.refusal?.field == "password")
    }

    @Test func aValidCodeConfirmsIt() {
        Given(Account.self, started).when(.confirmTwoFactor(.totp(step: 42), by: me, now: now))
            .then([.twoFactorEnabled(Account.TwoFactorChanged(userId: user, totpStep: 42, at: now))])
        Given(Account.self, started).when(.confirmTwoFactor(.invalid, by: me, now: now)).thenRejected(.invalid, field: "code")
        Given(Account.self, started).when(.confirmTwoFactor(.recoveryCode(hash: "rc-1"), by: me, now: now)).thenRejected(.invalid, field: "code")
    }

    @Test func aRecoveryCodeLogsInOnceInPlaceOfTheCode() throws {
        let first = Given(Account.self, on).when(login(code: .recoveryCode(hash: "rc-2"))).then([
            .recoveryCodeUsed(Account.RecoveryCodeUsed(userId: user, codeHash: "rc-2", purpose: .login, at: now)),
            .loginSucceeded(Account.LoginSucceeded(userId: user, familyId: Fixture.id(100), totpStep: nil, at: now)),
            family(100, hash: "rt-100"),
        ])
        #expect(Account.fold(on + first).recoveryCodeHashes == ["rc-1"])
        let again = try Account.decision(login(code: .recoveryCode(hash: "rc-2"), family: 101), Account.fold(on + first))
        #expect(again.events == [.loginFailed(Account.LoginFailed(userId: user, reason: .badRecoveryCode, at: now))])
        #expect(again.refusal?.category == .forbidden)
    }

    @Test func disablingNeedsThePasswordAndAFreshCodeOrARecoveryCode() throws {
        let withCode = { (code: Account.SecondFactorCheck) in Account.Confirmation(passwordMatches: true, secondFactor: code) }
        Given(Account.self, on).when(.disableTwoFactor(password, by: me, now: now)).thenRejected(.invalid, field: "code")
        let reused = try Account.decision(.disableTwoFactor(withCode(.totp(step: 42)), by: me, now: now), Account.fold(on))
        #expect(reused.events == [.confirmationFailed(Account.ConfirmationFailed(userId: user, purpose: .twoFactorRemoval, reason: .totpReused, at: now))])
        #expect(reused.refusal?.field == "code")
        let wrongPassword = try Account.decision(
            .disableTwoFactor(Account.Confirmation(passwordMatches: false, secondFactor: .totp(step: 43)), by: me, now: now), Account.fold(on)
        )
        #expect(wrongPassword.refusal?.field == "password")
        Given(Account.self, on).when(.disableTwoFactor(withCode(.totp(step: 43)), by: me, now: now))
            .then([.twoFactorDisabled(Account.TwoFactorDisabled(userId: user, totpStep: 43, at: now))])
        let off = Given(Account.self, on).when(.disableTwoFactor(withCode(.recoveryCode(hash: "rc-1")), by: me, now: now)).then([
            .recoveryCodeUsed(Account.RecoveryCodeUsed(userId: user, codeHash: "rc-1", purpose: .twoFactorRemoval, at: now)),
            .twoFactorDisabled(Account.TwoFactorDisabled(userId: user, totpStep: nil, at: now)),
        ])
        let state = Account.fold(on + off)
        #expect(state.twoFactor == .off && state.recoveryCodeHashes.isEmpty)
    }

    @Test func failedConfirmationsCountTowardsTheLock() throws {
        let failures = (1...4).map { Account.Event.loginFailed(Account.LoginFailed(userId: user, reason: .badPassword, at: Fixture.minutes(Double($0)))) }
        let decision = try Account.decision(
            .disableTwoFactor(Account.Confirmation(passwordMatches: false), by: me, now: Fixture.minutes(5)), Account.fold(on + failures)
        )
        #expect(decision.events.last == .locked(Account.Locked(userId: user, failures: 5, until: Fixture.minutes(20), at: Fixture.minutes(5))))
        // Locked: even the right credentials wait.
        Given(Account.self, on + failures + decision.events)
            .when(.disableTwoFactor(Account.Confirmation(passwordMatches: true, secondFactor: .totp(step: 50)), by: me, now: Fixture.minutes(6)))
            .thenRejected(.forbidden, messageContains: "locked")
    }

    @Test func aPasswordResetKeepsTwoFactorOnWithItsRecoveryCodes() {
        let reset: [Account.Event] = [
            .passwordResetRequested(Account.TokenIssued(userId: user, tokenHash: "reset", expiresAt: Fixture.minutes(60), issuedAt: now)),
            .passwordReset(Account.PasswordSet(userId: user, passwordHash: Personal("new"), at: Fixture.minutes(1))),
        ]
        let state = Account.fold(on + reset)
        #expect(state.twoFactor == .on(secretCiphertext: "enc"))
        #expect(state.recoveryCodeHashes == Set(codes))
        Given(Account.self, on + reset).when(login(at: Fixture.minutes(2))).thenRejected(.invalid, field: "totpCode")
    }

    @Test func confirmingWithoutEnrolmentIsAConflict() {
        Given(Account.self, history).when(.confirmTwoFactor(.totp(step: 1), by: me, now: now)).thenRejected(.conflict)
    }
}

@Suite struct RoleTests {
    @Test func anAdminGrantsARole() {
        Given(Account.self, history).when(.grantRole(.moderator, by: .user(admin, .admin), now: now))
            .then([.roleChanged(Account.RoleChanged(userId: user, role: .moderator, previousRole: .student, changedBy: admin, at: now))])
    }

    @Test func nonAdminsCannotGrantRoles() {
        Given(Account.self, history).when(.grantRole(.mentor, by: .user(Fixture.id(5), .moderator), now: now)).thenRejected(.forbidden)
    }

    @Test func nobodyChangesTheirOwnRole() {
        let promoted = history + [.roleChanged(Account.RoleChanged(userId: user, role: .admin, previousRole: .student, changedBy: nil, at: now))]
        Given(Account.self, promoted).when(.grantRole(.student, by: .user(user, .admin), now: now)).thenRejected(.forbidden, messageContains: "own role")
        Given(Account.self, history).when(.grantRole(.admin, by: me, now: now)).thenRejected(.forbidden)
    }

    @Test func theSystemBootstrapsTheFirstAdmin() {
        Given(Account.self, history).when(.grantRole(.admin, by: .system, now: now))
            .then([.roleChanged(Account.RoleChanged(userId: user, role: .admin, previousRole: .student, changedBy: nil, at: now))])
    }
}

@Suite struct ErasureTests {
    private let confirmed = Account.Confirmation(passwordMatches: true)

    @Test func erasureRevokesLoginsAndReleasesTheEmail() throws {
        let events = history + [family(100, hash: "rt")]
        let claim = EmailClaim.fold([.claimed(EmailClaim.Change(key: "key-awa", userId: user, at: now))])
        let decision = try Identity.erase(by: me, confirmed, now: now, account: Account.fold(events), emailClaim: claim)
        #expect(decision.refusal == nil)
        #expect(decision.account == [
            .refreshFamilyRevoked(Account.FamilyRevoked(userId: user, familyId: Fixture.id(100), reason: .accountErased, at: now)),
            .erased(Account.Erased(userId: user, emailKey: "key-awa", erasedBy: user, at: now)),
        ])
        #expect(decision.emailClaim == [.released(EmailClaim.Change(key: "key-awa", userId: user, at: now))])
    }

    @Test func othersCannotEraseAnAccount() {
        Given(Account.self, history).when(.erase(by: .user(Fixture.id(3), .moderator), confirmed, now: now)).thenRejected(.forbidden)
    }

    @Test func theHolderConfirmsWithThePasswordAndAWrongOneErasesNothing() throws {
        Given(Account.self, history).when(.erase(by: me, nil, now: now)).thenRejected(.invalid, field: "password")
        let claim = EmailClaim.fold([.claimed(EmailClaim.Change(key: "key-awa", userId: user, at: now))])
        let decision = try Identity.erase(
            by: me, Account.Confirmation(passwordMatches: false), now: now, account: Account.fold(history), emailClaim: claim
        )
        #expect(decision.account == [.confirmationFailed(Account.ConfirmationFailed(userId: user, purpose: .erasure, reason: .badPassword, at: now))])
        #expect(decision.emailClaim.isEmpty)
        #expect(decision.refusal?.category == .invalid && decision.refusal?.field == "password")
    }

    @Test func withTwoFactorOnTheHolderAlsoSendsACode() {
        let on = history + [
            .twoFactorStarted(Account.TwoFactorStarted(userId: user, secretCiphertext: "enc", at: now)),
            .recoveryCodesIssued(Account.RecoveryCodesIssued(userId: user, codeHashes: ["rc-1"], at: now)),
            .twoFactorEnabled(Account.TwoFactorChanged(userId: user, totpStep: 42, at: now)),
        ]
        Given(Account.self, on).when(.erase(by: me, confirmed, now: now)).thenRejected(.invalid, field: "code")
        Given(Account.self, on).when(.erase(by: me, Account.Confirmation(passwordMatches: true, secondFactor: .recoveryCode(hash: "rc-1")), now: now)).then([
            .recoveryCodeUsed(Account.RecoveryCodeUsed(userId: user, codeHash: "rc-1", purpose: .erasure, at: now)),
            .erased(Account.Erased(userId: user, emailKey: "key-awa", erasedBy: user, at: now)),
        ])
    }

    @Test func anAdminErasesSomeoneElseWithoutTheirCredentials() {
        Given(Account.self, history).when(.erase(by: .user(admin, .admin), nil, now: now))
            .then([.erased(Account.Erased(userId: user, emailKey: "key-awa", erasedBy: admin, at: now))])
    }

    @Test func erasedPersonalDataIsHandledWhenReplaying() {
        let shredded = Account.Event.registered(Account.Registered(
            userId: user, email: .erased, emailKey: "key-awa", passwordHash: .erased, firstName: .erased, lastName: .erased,
            role: .student, countryCode: nil, city: .erased, registeredBy: nil, registeredAt: now
        ))
        let state = Account.fold([shredded])
        #expect(state.status == .active)
        #expect(state.passwordHash == nil)
    }
}

@Suite struct IdentityEventCodingTests {
    @Test func everyEventRoundTrips() {
        let fam = Fixture.id(100)
        let cases: [(Account.Event, String)] = [
            (registered, "identity.account-registered"),
            (verificationIssued, "identity.email-verification-issued"),
            (.emailVerified(Account.Occurred(userId: user, at: now)), "identity.email-verified"),
            (.passwordChanged(Account.PasswordSet(userId: user, passwordHash: Personal("h"), at: now)), "identity.password-changed"),
            (.passwordResetRequested(Account.TokenIssued(userId: user, tokenHash: "t", expiresAt: now, issuedAt: now)), "identity.password-reset-requested"),
            (.passwordReset(Account.PasswordSet(userId: user, passwordHash: .erased, at: now)), "identity.password-reset"),
            (.loginSucceeded(Account.LoginSucceeded(userId: user, familyId: fam, totpStep: 7, at: now)), "identity.login-succeeded"),
            (.loginFailed(Account.LoginFailed(userId: user, reason: .badTotp, at: now)), "identity.login-failed"),
            (.locked(Account.Locked(userId: user, failures: 5, until: now, at: now)), "identity.account-locked"),
            (family(100, hash: "h"), "identity.refresh-token-family-issued"),
            (.refreshTokenRotated(Account.TokenRotated(userId: user, familyId: fam, previousTokenHash: "a", tokenHash: "b", expiresAt: now, at: now)), "identity.refresh-token-rotated"),
            (.refreshFamilyRevoked(Account.FamilyRevoked(userId: user, familyId: fam, reason: .reuseDetected, at: now)), "identity.refresh-token-family-revoked"),
            (.twoFactorStarted(Account.TwoFactorStarted(userId: user, secretCiphertext: "c", at: now)), "identity.two-factor-enrollment-started"),
            (.twoFactorEnabled(Account.TwoFactorChanged(userId: user, totpStep: 1, at: now)), "identity.two-factor-enabled"),
            (.twoFactorDisabled(Account.TwoFactorDisabled(userId: user, totpStep: 2, at: now)), "identity.two-factor-disabled"),
            (.twoFactorDisabled(Account.TwoFactorDisabled(userId: user, totpStep: nil, at: now)), "identity.two-factor-disabled"),
            (.recoveryCodesIssued(Account.RecoveryCodesIssued(userId: user, codeHashes: ["a", "b"], at: now)), "identity.two-factor-recovery-codes-issued"),
            (.recoveryCodeUsed(Account.RecoveryCodeUsed(userId: user, codeHash: "a", purpose: .login, at: now)), "identity.two-factor-recovery-code-used"),
            (.confirmationFailed(Account.ConfirmationFailed(userId: user, purpose: .twoFactorRemoval, reason: .badRecoveryCode, at: now)), "identity.confirmation-failed"),
            (.roleChanged(Account.RoleChanged(userId: user, role: .admin, previousRole: .student, changedBy: nil, at: now)), "identity.role-changed"),
            (.erased(Account.Erased(userId: user, emailKey: "k", erasedBy: admin, at: now)), "identity.account-erased"),
        ]
        for (event, name) in cases { expectRoundTrip(event, named: name) }
        expectRoundTrip(EmailClaim.Event.claimed(EmailClaim.Change(key: "k", userId: user, at: now)), named: "identity.email-claimed")
        expectRoundTrip(EmailClaim.Event.released(EmailClaim.Change(key: "k", userId: user, at: now)), named: "identity.email-released")
        expectUnknownTypeRefused(Account.Event.self)
        expectUnknownTypeRefused(EmailClaim.Event.self)
    }
}
