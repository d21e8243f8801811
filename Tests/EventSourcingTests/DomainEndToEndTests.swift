import Domain
import EventLog
import EventSourcing
import Foundation
import Testing
import TestSupport

/// The event store with a real domain: Identity's sign-up across the email claim and the account.
@Suite struct DomainEndToEndTests {
    static let awa = UUID(uuidString: "a0a00000-0000-4000-8000-000000000001")!
    static let other = UUID(uuidString: "07e70000-0000-4000-8000-000000000002")!
    static let now = Date(timeIntervalSince1970: 1_795_543_200)

    static func registration(_ user: UUID, email: String = "Awa.Diop@Example.org") -> Identity.Account.Registration {
        Identity.Account.Registration(
            userID: user, email: email, emailKey: "key-awa",
            password: NewPassword(plaintext: "correct horse battery", hash: "scrypt$hash"),
            firstName: "Awa", lastName: "Diop", role: .student, countryCode: "SN", city: "Dakar",
            verification: IssuedToken(tokenHash: "verify-\(user)", expiresAt: now.addingTimeInterval(86_400)), now: now)
    }

    /// Sign-up as the application does it: claim and account in one atomic append.
    static func register(
        _ registration: Identity.Account.Registration, in store: EventStore
    ) async throws(CommandError<Identity.Rejection>) -> MultiStreamOutcome {
        try await store.handle(metadata: EventMetadata(correlationId: UUID(), actor: "anonymous")) { states throws(Identity.Rejection) in
            let claimStream = "email-\(registration.emailKey)"
            let accountStream = "account-\(registration.userID.uuidString.lowercased())"
            let decision = try Identity.register(
                registration,
                emailClaim: states.state(of: Identity.EmailClaim.self, stream: claimStream),
                account: states.state(of: Identity.Account.self, stream: accountStream))
            return [
                StreamEvents(claimStream, decision.emailClaim),
                StreamEvents(accountStream, decision.account, expectedVersion: .noStream),
            ]
        }
    }

    static func accountStream(_ user: UUID) -> String { "account-\(user.uuidString.lowercased())" }

    @Test func signUpClaimsTheEmailAndASecondSignUpWithItWritesNothing() async throws {
        let fixture = try StoreFixture("identity")
        defer { fixture.close() }
        let store = fixture.store()

        let outcome = try await Self.register(Self.registration(Self.awa), in: store)
        #expect(outcome.append?.streamVersions == ["email-key-awa": 1, Self.accountStream(Self.awa): 2])
        let head = fixture.log.head

        do {
            _ = try await Self.register(Self.registration(Self.other, email: "awa.diop@example.org"), in: store)
            Issue.record("a second account took the same email")
        } catch {
            #expect(error.rejection?.category == .conflict)
            #expect(error.rejection?.field == "email")
        }
        #expect(fixture.log.head == head)
        #expect(fixture.log.version(of: Self.accountStream(Self.other)) == 0)

        let claim = try store.load(Identity.EmailClaim.self, stream: "email-key-awa")
        #expect(claim.state.holder == Self.awa)
        let account = try store.load(Identity.Account.self, stream: Self.accountStream(Self.awa))
        #expect(account.state.status == .active)
        #expect(account.state.passwordHash == "scrypt$hash")
        #expect(account.version == 2)
    }

    @Test func racingSignUpsWithOneEmailLetExactlyOneWin() async throws {
        let fixture = try StoreFixture("identity")
        defer { fixture.close() }
        let store = fixture.store()

        func attempt(_ user: UUID) async -> String? {
            do {
                _ = try await Self.register(Self.registration(user), in: store)
                return nil
            } catch {
                return error.rejection?.field ?? "\(error)"
            }
        }
        async let first = attempt(Self.awa)
        async let second = attempt(Self.other)
        let failures = await [first, second]
        #expect(failures.compactMap { $0 } == ["email"])
        let holder = try #require(try store.load(Identity.EmailClaim.self, stream: "email-key-awa").state.holder)
        let loser = holder == Self.awa ? Self.other : Self.awa
        #expect(fixture.log.version(of: Self.accountStream(holder)) == 2)
        #expect(fixture.log.version(of: Self.accountStream(loser)) == 0)
        #expect(fixture.log.version(of: "email-key-awa") == 1)
    }

    @Test func aSingleStreamDomainCommandRoundTrips() async throws {
        let fixture = try StoreFixture("identity")
        defer { fixture.close() }
        let store = fixture.store()
        _ = try await Self.register(Self.registration(Self.awa), in: store)

        let verified = try await store.handle(
            .verifyEmail(tokenHash: "verify-\(Self.awa)", now: Self.now.addingTimeInterval(60)),
            to: Identity.Account.self, stream: Self.accountStream(Self.awa))
        #expect(verified.version == 3)
        #expect(verified.state.emailVerified)
        #expect(try store.load(Identity.Account.self, stream: Self.accountStream(Self.awa)).state == verified.state)

        do {
            _ = try await store.handle(
                .verifyEmail(tokenHash: "verify-\(Self.awa)", now: Self.now.addingTimeInterval(120)),
                to: Identity.Account.self, stream: Self.accountStream(Self.awa))
            Issue.record("a verification link was used twice")
        } catch {
            #expect(error.rejection?.field == "token")
        }
    }

    @Test func erasureShredsPersonalDataAndTheLogStaysVerifiable() async throws {
        let fixture = try StoreFixture("identity")
        defer { fixture.close() }
        let store = fixture.store()
        _ = try await Self.register(Self.registration(Self.awa), in: store)
        let stream = Self.accountStream(Self.awa)
        let stored = try fixture.log.readStream(stream).map { String(decoding: $0.payload, as: UTF8.self) }
        #expect(!stored.joined().contains("Diop"))
        #expect(!stored.joined().contains("scrypt$hash"))

        guard case .registered(let before) = try store.codec.decode(Identity.Account.Event.self, from: fixture.log.readStream(stream)[0]) else {
            Issue.record("the first event is not the registration")
            return
        }
        #expect(before.lastName == Personal("Diop"))

        try fixture.keys.erase(subject: Self.awa)

        guard case .registered(let after) = try store.codec.decode(Identity.Account.Event.self, from: fixture.log.readStream(stream)[0]) else {
            Issue.record("the first event is not the registration")
            return
        }
        #expect(after.email == .erased)
        #expect(after.firstName == .erased)
        #expect(after.lastName == .erased)
        #expect(after.passwordHash == .erased)
        #expect(after.city == .erased)
        #expect(after.emailKey == "key-awa")  // not personal: the keyed digest stays
        let account = try store.load(Identity.Account.self, stream: stream)
        #expect(account.state.passwordHash == nil)
        #expect(account.state.userID == Self.awa)

        let report = try LogVerifier.verify(directory: fixture.logDirectory)
        #expect(report.isIntact)
        #expect(report.events == fixture.log.head)
    }

    @Test func emailClaimsAreSnapshottable() async throws {
        let fixture = try StoreFixture("identity")
        defer { fixture.close() }
        let store = fixture.store()
        _ = try await Self.register(Self.registration(Self.awa), in: store)
        #expect(try store.snapshotAll(Identity.EmailClaim.self, streamPrefix: "email-", minimumEvents: 1) == 1)
        let claim = try store.load(Identity.EmailClaim.self, stream: "email-key-awa")
        #expect(claim.snapshotVersion == 1)
        #expect(claim.eventsRead == 0)
        #expect(claim.state.holder == Self.awa)
    }
}
