import Foundation
import EventSourcing
extension Identity.Account {
    public static func evolve(_ state: State, _ event: Event) -> State {
        var state = state
        switch event {
        case .registered(let e):
            state.status = .active
            state.userID = e.userId
            state.role = e.role
            state.emailKey = e.emailKey
            state.passwordHash = e.passwordHash?.wrapped  // nil once erased: nobody can log in with it
        case .emailVerificationIssued(let e):
            state.verificationToken = IssuedToken(tokenHash: e.tokenHash, expiresAt: e.expiresAt)
        case .emailVerified:
            state.emailVerified = true
            state.verificationToken = nil
        case .passwordChanged(let e):
            state.passwordHash = e.passwordHash.wrapped
        case .passwordResetRequested(let e):
            state.resetToken = IssuedToken(tokenHash: e.tokenHash, expiresAt: e.expiresAt)
        case .passwordReset(let e):
            state.passwordHash = e.passwordHash.wrapped
            state.resetToken = nil
            state.recentFailures = []
            state.lockedUntil = nil  // proving control of the mailbox lifts a lock
            state.accessGeneration += 1
        case .loginSucceeded(let e):
            state.recentFailures = []
            state.lockedUntil = nil
            if let step = e.totpStep { state.lastTotpStep = step }
        case .loginFailed(let e):
            state.countFailure(at: e.at)
        case .confirmationFailed(let e):
            state.countFailure(at: e.at)
        case .locked(let e):
            state.lockedUntil = e.until
            state.recentFailures = []
        case .refreshFamilyIssued(let e):
            state.refreshFamilies[e.familyId] = RefreshFamily(
                currentTokenHash: e.tokenHash, spentTokens: [:], expiresAt: e.expiresAt, revoked: false
            )
        case .refreshTokenRotated(let e):
            state.refreshFamilies[e.familyId]?.spentTokens[e.previousTokenHash] = SpentToken(successorHash: e.tokenHash, spentAt: e.at)
            state.refreshFamilies[e.familyId]?.currentTokenHash = e.tokenHash
            state.refreshFamilies[e.familyId]?.expiresAt = e.expiresAt
        case .refreshFamilyRevoked(let e):
            state.refreshFamilies[e.familyId]?.revoked = true
        case .twoFactorStarted(let e):
            state.twoFactor = .pending(secretCiphertext: e.secretCiphertext)
        case .twoFactorEnabled(let e):
            if let secret = state.twoFactor.secretCiphertext { state.twoFactor = .on(secretCiphertext: secret) }
            state.lastTotpStep = e.totpStep
        case .twoFactorDisabled(let e):
            state.twoFactor = .off
            state.recoveryCodeHashes = []
            if let step = e.totpStep { state.lastTotpStep = step }
        case .recoveryCodesIssued(let e):
            state.recoveryCodeHashes = Set(e.codeHashes)
        case .recoveryCodeUsed(let e):
            state.recoveryCodeHashes.remove(e.codeHash)
        case .roleChanged(let e):
            state.role = e.role
        case .erased:
            state.status = .erased
            state.accessGeneration += 1
            state.passwordHash = nil
            state.verificationToken = nil
            state.resetToken = nil
            state.twoFactor = .off
            state.recoveryCodeHashes = []
            state.providers = [:]
            state.calendarFeedHash = nil
        case .calendarFeedIssued(let e):
            state.calendarFeedHash = e.secretHash
        case .providerLinked(let e):
            state.providers[e.subjectKey] = LinkedProvider(provider: e.provider, issuer: e.issuer, linkedAt: e.at)
        case .providerUnlinked(let e):
            state.providers[e.subjectKey] = nil
        case .passwordRevoked:
            state.passwordHash = nil
            state.accessGeneration += 1
        }
        return state
    }
}

extension Identity.Account.State {
    /// One more failed credential check, forgetting those older than the failure window.
    fileprivate mutating func countFailure(at time: Date) {
        recentFailures = recentFailures.filter { time.timeIntervalSince($0) < Identity.Account.failureWindow } + [time]
    }
}
