import Foundation
import Testing
import EventSourcing
@testable import Domain

private typealias Account = Identity.Account

private let user = Fixture.id(1)
private let now = Fixture.now
private let identity = Account.ProviderIdentity(provider: "google", issuer: "https://accounts.example", subject: "sub-1", subjectKey: "subject-key")
private let registered = Account.Event.registered(Account.Registered(
    userId: user, email: Personal("awa@example.org"), emailKey: "key-awa", passwordHash: Personal("scrypt$hash"),
    firstName: Personal("Awa"), lastName: Personal("Diop"), role: .student, countryCode: nil, city: nil,
    registeredBy: nil, registeredAt: now
))
private let verified = Account.Event.emailVerified(Account.Occurred(userId: user, at: now))
private let openLogin = Account.Event.refreshFamilyIssued(Account.FamilyIssued(
    userId: user, familyId: Fixture.id(50), tokenHash: "rt-old", expiresAt: Fixture.days(30), at: now
))
private let linked = Account.Event.providerLinked(Account.ProviderLinked(
    userId: user, provider: "google", issuer: "https://accounts.example", subject: Personal("sub-1"), subjectKey: "subject-key", at: now
))
private let me = Principal.user(user, .student)

private func signIn(_ route: Account.ProviderRoute) -> Account.Command {
    .signInWithProvider(Account.ProviderSignIn(
        identity: identity, route: route, familyID: Fixture.id(100), refreshToken: IssuedToken(tokenHash: "rt-new", expiresAt: Fixture.days(30)), now: now
    ))
}

private let loggedIn: [Account.Event] = [
    .loginSucceeded(Account.LoginSucceeded(userId: user, familyId: Fixture.id(100), totpStep: nil, at: now)),
    .refreshFamilyIssued(Account.FamilyIssued(userId: user, familyId: Fixture.id(100), tokenHash: "rt-new", expiresAt: Fixture.days(30), at: now)),
]

@Suite struct ProviderSignInTests {
    @Test func aVerifiedEmailLinksToAVerifiedAccountAndKeepsItsPassword() {
        let events = Given(Account.self, [registered, verified]).when(signIn(.email(verifiedByProvider: true))).then([linked] + loggedIn)
        #expect(Account.fold([registered, verified] + events).passwordHash == "scrypt$hash")
    }

    @Test func aVerifiedEmailTakesOverAnUnverifiedAccountEndingItsPasswordAndLogins() {
        let history = [registered, openLogin]
        let events = Given(Account.self, history).when(signIn(.email(verifiedByProvider: true))).then([
            linked, verified,
            .passwordRevoked(Account.PasswordRevoked(userId: user, reason: .unverifiedAccountTakenOver, at: now)),
            .refreshFamilyRevoked(Account.FamilyRevoked(userId: user, familyId: Fixture.id(50), reason: .accountTakenOver, at: now)),
        ] + loggedIn)
        let state = Account.fold(history + events)
        #expect(state.passwordHash == nil && state.emailVerified && state.accessGeneration == 1)
        #expect(state.refreshFamilies[Fixture.id(50)]?.revoked == true)
    }

    @Test func aProviderUnverifiedEmailNeverSignsIntoAnExistingAccount() {
        Given(Account.self, [registered, verified]).when(signIn(.email(verifiedByProvider: false))).thenRejected(.conflict, field: "email")
    }

    @Test func aLinkedIdentitySignsInAndAnUnlinkedOneIsRefused() {
        Given(Account.self, [registered, linked]).when(signIn(.linked)).then(loggedIn)
        Given(Account.self, [registered]).when(signIn(.linked)).thenRejected(.forbidden)
    }

    @Test func theLastWayToSignInCannotBeUnlinked() {
        let providerOnly = Account.Event.registered(Account.Registered(
            userId: user, email: Personal("awa@example.org"), emailKey: "key-awa", passwordHash: nil,
            firstName: Personal("Awa"), lastName: Personal("Diop"), role: .student, countryCode: nil, city: nil, registeredBy: nil, registeredAt: now
        ))
        Given(Account.self, [providerOnly, linked]).when(.unlinkProvider(provider: "google", by: me, now: now)).thenRejected(.conflict)
        Given(Account.self, [registered, linked]).when(.unlinkProvider(provider: "google", by: me, now: now))
            .then([.providerUnlinked(Account.ProviderUnlinked(userId: user, provider: "google", subjectKey: "subject-key", at: now))])
        Given(Account.self, [registered, linked]).when(.unlinkProvider(provider: "google", by: .user(Fixture.id(2), .admin), now: now))
            .thenRejected(.forbidden)
    }

    @Test func aNewCalendarFeedReplacesTheOldOne() {
        let first = Account.Event.calendarFeedIssued(Account.CalendarFeedIssued(userId: user, secretHash: "one", at: now))
        Given(Account.self, [registered, first]).when(.issueCalendarFeed(secretHash: "two", by: me, now: now))
            .then([.calendarFeedIssued(Account.CalendarFeedIssued(userId: user, secretHash: "two", at: now))])
        #expect(Account.fold([registered, first, .calendarFeedIssued(Account.CalendarFeedIssued(userId: user, secretHash: "two", at: now))]).calendarFeedHash == "two")
    }

    @Test func anAlertIsRecordedOnce() {
        let alert = SecurityAlerts.Alert(alertId: Fixture.id(7), kind: .probing, source: "127.0.0.1", count: 50, detail: "probing", at: now)
        Given(SecurityAlerts.self).when(.raise(alert)).then([.raised(alert)])
        Given(SecurityAlerts.self, [.raised(alert)]).when(.raise(alert)).then([])
    }
}

@Suite struct ProviderErasureTests {
    @Test func anErasureFreesEveryProviderIdentityTheAccountLinked() throws {
        let claim = Identity.ProviderClaim.fold(try Identity.ProviderClaim.decide(
            .claim(key: "subject-key", userID: user, now: now), Identity.ProviderClaim.initialState
        ))
        #expect(claim.holder == user)
        let decision = try Identity.erase(
            by: me, Account.Confirmation(passwordMatches: true), now: now, account: Account.fold([registered, verified, linked]),
            emailClaim: Identity.EmailClaim.initialState, providerClaims: ["subject-key": claim]
        )
        #expect(decision.refusal == nil)
        let released = try #require(decision.providerClaims["subject-key"])
        #expect(released.reduce(claim, Identity.ProviderClaim.evolve).holder == nil, "\(released)")
        // Nothing to free for an account that linked none.
        let plain = try Identity.erase(
            by: me, Account.Confirmation(passwordMatches: true), now: now, account: Account.fold([registered, verified]),
            emailClaim: Identity.EmailClaim.initialState
        )
        #expect(plain.providerClaims.isEmpty)
    }
}
