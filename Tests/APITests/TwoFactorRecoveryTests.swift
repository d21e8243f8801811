import API
import Cryptography
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The authenticator of an account whose 2FA a test turned on, and its recovery codes.
struct TwoFactorDevice {
    let totp: TOTP
    let recoveryCodes: [String]
    let clock: ManualClock

    /// The code the app shows now; the test then moves the clock a step on, so every code is fresh.
    func nextCode() -> String {
        let code = totp.code(at: Int64(clock.now.timeIntervalSince1970))
        clock.advance(30)
        return code
    }
}

extension TestClientProtocol {
    /// Turns 2FA on for the account of `access`: set-up with the password, then a first code at `clock`'s time.
    func turnOnTwoFactor(
        access: String, clock: ManualClock, password: String = "correct horse battery", sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> TwoFactorDevice {
        let enabled = try await send(.post, "/auth/2fa/enable", json: #"{"password": "\#(password)"}"#, token: access)
        #expect(enabled.status == .ok, "\(enabled.text)", sourceLocation: sourceLocation)
        let setup = try enabled.jsonObject()
        let secret = try #require((setup["secret"] as? String).flatMap(Base32.decode), sourceLocation: sourceLocation)
        let codes = try #require(setup["recoveryCodes"] as? [String], "no recovery codes in \(enabled.text)", sourceLocation: sourceLocation)
        let device = TwoFactorDevice(totp: TOTP(secret: secret), recoveryCodes: codes, clock: clock)
        let verified = try await send(.post, "/auth/2fa/verify", json: #"{"code": "\#(device.nextCode())"}"#, token: access)
        #expect(verified.status == .noContent, "\(verified.text)", sourceLocation: sourceLocation)
        return device
    }
}

/// Security review, finding 6: 2FA must not become a way to lock the owner out — enrolling needs the
/// password, recovery codes exist and are single use, 2FA can be turned off, and a reset keeps it on.
@Suite struct TwoFactorRecoveryTests {
    static let password = "correct horse battery"

    @Test func aStolenAccessTokenAloneCannotTurnTwoFactorOn() async throws {
        let (fixture, _) = try APIFixture.onManualClock()
        try await fixture.test { client in
            let victim = try await client.signUp(fixture, email: "victim@example.sn")
            // The thief has the access token, not the password.
            let noPassword = try await client.send(.post, "/auth/2fa/enable", token: victim.access)
            #expect(noPassword.status == .unprocessableContent || noPassword.status == .badRequest, "\(noPassword.status): \(noPassword.text)")
            let wrong = try await client.send(.post, "/auth/2fa/enable", json: #"{"password": "a guessed password"}"#, token: victim.access)
            let problem = try wrong.expectProblem(.unprocessableContent)
            #expect((problem["errors"] as? [[String: Any]])?.first?["field"] as? String == "password")
            let types = try fixture.eventTypes()
            #expect(!types.contains("identity.two-factor-enrollment-started"))
            #expect(types.contains("identity.confirmation-failed"), "a wrong password counts towards the lock: \(types)")
            // The owner still logs in with the password alone.
            _ = try await client.logIn("victim@example.sn")
        }
    }

    @Test func twoFactorIsEnforcedOnceConfirmedAndACodeCannotBeReused() async throws {
        let (fixture, clock) = try APIFixture.onManualClock()
        try await fixture.test { client in
            let user = try await client.signUp(fixture, email: "kofi@example.gh")
            let enabled = try await client.send(.post, "/auth/2fa/enable", json: #"{"password": "\#(Self.password)"}"#, token: user.access)
            #expect(enabled.status == .ok, "\(enabled.text)")
            let setup = try enabled.jsonObject()
            let secret = try #require((setup["secret"] as? String).flatMap(Base32.decode))
            #expect((setup["otpauthUri"] as? String)?.hasPrefix("otpauth://totp/") == true)
            let device = TwoFactorDevice(totp: TOTP(secret: secret), recoveryCodes: [], clock: clock)

            // Pending: login does not ask for a code yet.
            #expect(try await client.send(.post, "/auth/login", json: #"{"email": "kofi@example.gh", "password": "\#(Self.password)"}"#).status == .ok)
            try await client.send(.post, "/auth/2fa/verify", json: #"{"code": "000000"}"#, token: user.access).expectProblem(.unprocessableContent)
            let confirm = try await client.send(.post, "/auth/2fa/verify", json: #"{"code": "\#(device.nextCode())"}"#, token: user.access)
            #expect(confirm.status == .noContent, "\(confirm.text)")

            let noCode = try await client.send(.post, "/auth/login", json: #"{"email": "kofi@example.gh", "password": "\#(Self.password)"}"#)
            let problem = try noCode.expectProblem(.unprocessableContent)
            #expect((problem["errors"] as? [[String: Any]])?.first?["field"] as? String == "totpCode")
            try await client.send(.post, "/auth/login", json: #"{"email": "kofi@example.gh", "password": "\#(Self.password)", "totpCode": "123456"}"#)
                .expectProblem(.unauthorized)
            let code = device.nextCode()
            let ok = try await client.send(.post, "/auth/login", json: #"{"email": "kofi@example.gh", "password": "\#(Self.password)", "totpCode": "\#(code)"}"#)
            #expect(ok.status == .ok, "\(ok.text)")
            // The same code again, within its window (the server takes the previous step's too): refused.
            try await client.send(.post, "/auth/login", json: #"{"email": "kofi@example.gh", "password": "\#(Self.password)", "totpCode": "\#(code)"}"#)
                .expectProblem(.unauthorized)
        }
    }

    @Test func recoveryCodesAreShownOnceAndEachWorksOnceInPlaceOfTheCode() async throws {
        let (fixture, clock) = try APIFixture.onManualClock()
        try await fixture.test { client in
            let user = try await client.signUp(fixture, email: "lost.phone@example.sn")
            let device = try await client.turnOnTwoFactor(access: user.access, clock: clock)
            #expect(device.recoveryCodes.count == 10)
            #expect(Set(device.recoveryCodes).count == 10)
            // Only hashes reach the log.
            let everything = try fixture.platform.log.read(from: 1, maxCount: 1_000).map { String(decoding: $0.payload, as: UTF8.self) }.joined()
            for code in device.recoveryCodes { #expect(!everything.contains(code)) }

            let login = #"{"email": "lost.phone@example.sn", "password": "\#(Self.password)", "totpCode": "\#(device.recoveryCodes[0])"}"#
            let recovered = try await client.send(.post, "/auth/login", json: login)
            #expect(recovered.status == .ok, "\(recovered.text)")
            try await client.send(.post, "/auth/login", json: login).expectProblem(.unauthorized)
            // Spaces, dashes and case do not matter.
            let typed = device.recoveryCodes[1].uppercased().replacingOccurrences(of: "-", with: " ")
            let second = try await client.send(.post, "/auth/login", json: #"{"email": "lost.phone@example.sn", "password": "\#(Self.password)", "totpCode": "\#(typed)"}"#)
            #expect(second.status == .ok, "\(second.text)")
            let types = try fixture.eventTypes()
            #expect(types.filter { $0 == "identity.two-factor-recovery-code-used" }.count == 2)
        }
    }

    @Test func theOwnerTurnsTwoFactorOffWithThePasswordAndACodeOrARecoveryCode() async throws {
        let (fixture, clock) = try APIFixture.onManualClock()
        try await fixture.test { client in
            let user = try await client.signUp(fixture, email: "off@example.sn")
            let device = try await client.turnOnTwoFactor(access: user.access, clock: clock)
            let code = device.nextCode()
            try await client.send(.post, "/auth/2fa/disable", json: #"{"password": "wrong password!", "code": "\#(code)"}"#, token: user.access)
                .expectProblem(.unprocessableContent)
            try await client.send(.post, "/auth/2fa/disable", json: #"{"password": "\#(Self.password)"}"#, token: user.access)
                .expectProblem(.unprocessableContent)
            try await client.send(.post, "/auth/2fa/disable", json: #"{"password": "\#(Self.password)", "code": "111111"}"#, token: user.access)
                .expectProblem(.unprocessableContent)
            let off = try await client.send(.post, "/auth/2fa/disable", json: #"{"password": "\#(Self.password)", "code": "\#(device.recoveryCodes[3])"}"#, token: user.access)
            #expect(off.status == .noContent, "\(off.text)")
            #expect(try await client.send(.post, "/auth/login", json: #"{"email": "off@example.sn", "password": "\#(Self.password)"}"#).status == .ok)

            // On again (new codes), and off with a TOTP code this time.
            let again = try await client.turnOnTwoFactor(access: user.access, clock: clock)
            #expect(Set(again.recoveryCodes).isDisjoint(with: device.recoveryCodes))
            let offAgain = try await client.send(.post, "/auth/2fa/disable", json: #"{"password": "\#(Self.password)", "code": "\#(again.nextCode())"}"#, token: user.access)
            #expect(offAgain.status == .noContent, "\(offAgain.text)")
            // The codes of a 2FA turned off are dead.
            try await client.send(.post, "/auth/2fa/disable", json: #"{"password": "\#(Self.password)", "code": "\#(again.recoveryCodes[0])"}"#, token: user.access)
                .expectProblem(.conflict)
            let types = try fixture.eventTypes()
            #expect(types.filter { $0 == "identity.two-factor-disabled" }.count == 2)
            #expect(types.filter { $0 == "identity.two-factor-enabled" }.count == 2)
        }
    }

    @Test func aPasswordResetKeepsTwoFactorOnAndARecoveryCodeLetsTheOwnerBackIn() async throws {
        let (fixture, clock) = try APIFixture.onManualClock()
        try await fixture.test { client in
            let user = try await client.signUp(fixture, email: "reset.2fa@example.sn")
            let device = try await client.turnOnTwoFactor(access: user.access, clock: clock)
            #expect(try await client.send(.post, "/auth/forgot-password", json: #"{"email": "reset.2fa@example.sn"}"#).status == .accepted)
            await fixture.platform.passwordResets.queue.waitUntilEmpty()
            await fixture.platform.mail.waitUntilDelivered()
            let token = try #require(try fixture.outbox().last.flatMap(mailedToken))
            let reset = try await client.send(.post, "/auth/reset-password", json: #"{"token": "\#(token)", "newPassword": "a brand new passphrase"}"#)
            #expect(reset.status == .noContent, "\(reset.text)")
            // The mailbox is not the second factor: the code is still asked for.
            let noCode = try await client.send(.post, "/auth/login", json: #"{"email": "reset.2fa@example.sn", "password": "a brand new passphrase"}"#)
            try noCode.expectProblem(.unprocessableContent)
            let back = try await client.send(.post, "/auth/login", json: """
                {"email": "reset.2fa@example.sn", "password": "a brand new passphrase", "totpCode": "\(device.recoveryCodes[9])"}
                """)
            #expect(back.status == .ok, "\(back.text)")
        }
    }
}
