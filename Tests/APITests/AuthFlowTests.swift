import API
import EventLog
import EventSourcing
import HTTPTypes
import Cryptography
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// The token mailed in an `.eml` (verification or reset).
func mailedToken(_ message: String) -> String? {
    // "\r\n" is one Character in Swift: split on any newline, spaces and `=`.
    message.split(whereSeparator: { $0.isNewline || $0 == " " || $0 == "=" })
        .first { $0.hasPrefix("mt1.") }
        .map { String($0) }
}

@Suite struct AuthFlowTests {
    @Test func registerVerifyLoginRefreshLogoutAndResetThroughTheOutbox() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        let fixture = try APIFixture(clock: clock.clock)
        try await fixture.test { client in
            let registered = try await client.send(.post, "/auth/register", json: """
                {"email": "Awa.Diop@Example.SN", "password": "correct horse battery", "firstName": "Awa", "lastName": "Diop", "role": "student"}
                """)
            #expect(registered.status == .created)
            #expect(registered.logPosition != nil)
            let userID = try registered.jsonObject()["userId"] as? String
            #expect(userID.flatMap(UUID.init(uuidString:)) != nil)

            // The same address (any case) cannot register twice.
            let again = try await client.send(.post, "/auth/register", json: """
                {"email": "awa.diop@example.sn", "password": "another long password", "firstName": "A", "lastName": "D", "role": "student"}
                """)
            try again.expectProblem(.conflict)

            await fixture.platform.mail.waitUntilDelivered()
            let mails = try fixture.outbox()
            #expect(mails.count == 1)
            let mail = try #require(mails.first)
            #expect(mail.contains("To: awa.diop@example.sn"))
            #expect(mail.contains("Subject: Confirmez votre adresse e-mail"))
            #expect(mail.contains("\r\n\r\n"))
            let token = try #require(mailedToken(mail))
            let verified = try await client.send(.get, "/auth/verify-email?token=\(token)")
            #expect(verified.status == .ok, "\(verified.text)")
            try await client.send(.get, "/auth/verify-email?token=\(token)").expectProblem(.unprocessableContent)

            try await client.send(.post, "/auth/login", json: #"{"email": "awa.diop@example.sn", "password": "wrong password!!"}"#)
                .expectProblem(.unauthorized)
            try await client.send(.post, "/auth/login", json: #"{"email": "nobody@example.sn", "password": "whatever password"}"#)
                .expectProblem(.unauthorized)
            let login = try await client.send(.post, "/auth/login", json: #"{"email": "AWA.DIOP@example.sn", "password": "correct horse battery"}"#)
            #expect(login.status == .ok)
            let pair = try login.jsonObject()
            #expect(pair["tokenType"] as? String == "Bearer")
            #expect(pair["expiresIn"] as? Int == 900)
            let access = try #require(pair["accessToken"] as? String)
            let refresh1 = try #require(pair["refreshToken"] as? String)

            // The access token works on a signed-in route.
            let update = try await client.send(.put, "/users/profile", json: #"{"bio": "Étudiante en informatique"}"#, token: access)
            #expect(update.status == .noContent, "\(update.text)")
            #expect(update.logPosition != nil)

            // Rotation: each refresh token works once; replaying a spent one (after the few seconds
            // in which the same client may still present it) revokes the whole login.
            let rotated = try await client.send(.post, "/auth/refresh", json: #"{"refreshToken": "\#(refresh1)"}"#)
            #expect(rotated.status == .ok)
            let refresh2 = try #require(rotated.jsonObject()["refreshToken"] as? String)
            #expect(refresh2 != refresh1)
            clock.advance(11)
            try await client.send(.post, "/auth/refresh", json: #"{"refreshToken": "\#(refresh1)"}"#).expectProblem(.unauthorized)
            try await client.send(.post, "/auth/refresh", json: #"{"refreshToken": "\#(refresh2)"}"#).expectProblem(.unauthorized)

            // A second login, ended by logout.
            let second = try await client.send(.post, "/auth/login", json: #"{"email": "awa.diop@example.sn", "password": "correct horse battery"}"#)
            let refresh3 = try #require(second.jsonObject()["refreshToken"] as? String)
            let logout = try await client.send(.post, "/auth/logout", json: #"{"refreshToken": "\#(refresh3)"}"#)
            #expect(logout.status == .noContent)
            try await client.send(.post, "/auth/refresh", json: #"{"refreshToken": "\#(refresh3)"}"#).expectProblem(.unauthorized)

            // Forgot password: 202 for a known and an unknown address alike; only the known one gets mail.
            let third = try await client.send(.post, "/auth/login", json: #"{"email": "awa.diop@example.sn", "password": "correct horse battery"}"#)
            let refresh4 = try #require(third.jsonObject()["refreshToken"] as? String)
            #expect(try await client.send(.post, "/auth/forgot-password", json: #"{"email": "nobody@example.sn"}"#).status == .accepted)
            #expect(try await client.send(.post, "/auth/forgot-password", json: #"{"email": "awa.diop@example.sn"}"#).status == .accepted)
            await fixture.platform.passwordResets.queue.waitUntilEmpty()
            await fixture.platform.mail.waitUntilDelivered()
            let resetMail = try fixture.outbox().dropFirst().first
            let resetToken = try #require(resetMail.flatMap(mailedToken))
            #expect(try fixture.outbox().count == 2)
            try await client.send(.post, "/auth/reset-password", json: #"{"token": "\#(resetToken)", "newPassword": "short"}"#)
                .expectProblem(.unprocessableContent)
            let reset = try await client.send(.post, "/auth/reset-password", json: #"{"token": "\#(resetToken)", "newPassword": "a brand new passphrase"}"#)
            #expect(reset.status == .noContent, "\(reset.text)")
            // A reset ends every login, and the old password stops working.
            try await client.send(.post, "/auth/refresh", json: #"{"refreshToken": "\#(refresh4)"}"#).expectProblem(.unauthorized)
            try await client.send(.post, "/auth/login", json: #"{"email": "awa.diop@example.sn", "password": "correct horse battery"}"#)
                .expectProblem(.unauthorized)
            #expect(try await client.send(.post, "/auth/login", json: #"{"email": "awa.diop@example.sn", "password": "a brand new passphrase"}"#).status == .ok)
        }
    }

    @Test func repeatedFailuresLockTheAccountWith429AndTheAuditTrailShowsThem() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            _ = try await client.signUp(fixture, email: "lock@example.ci")
            for attempt in 1...5 {
                let failed = try await client.send(.post, "/auth/login", json: #"{"email": "lock@example.ci", "password": "not the password"}"#)
                if attempt < 5 {
                    try failed.expectProblem(.unauthorized)
                } else {
                    try failed.expectProblem(.tooManyRequests)
                    #expect(Int(failed.headers[.retryAfter] ?? "") ?? 0 > 800)
                }
            }
            let locked = try await client.send(.post, "/auth/login", json: #"{"email": "lock@example.ci", "password": "correct horse battery"}"#)
            try locked.expectProblem(.tooManyRequests)
            // The failures and the lock are events of the account's stream.
            let types = try fixture.platform.log.read(from: 1, maxCount: 1_000).map(\.type)
            #expect(types.filter { $0 == "identity.login-failed" }.count == 5)
            #expect(types.contains("identity.account-locked"))
        }
    }

    @Test func authCallsAreLimitedPerAddress() async throws {
        // A clock that stands still: on a loaded machine the four calls took longer than the
        // 60 s window, the bucket refilled and the fourth was let through.
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        let fixture = try APIFixture(rateLimits: RateLimits(authPerIP: .per(60, 3)), clock: clock.clock)
        try await fixture.test { client in
            for index in 0..<3 {
                let response = try await client.send(.post, "/auth/forgot-password", json: #"{"email": "x\#(index)@example.org"}"#)
                #expect(response.status == .accepted)
            }
            let limited = try await client.send(.post, "/auth/forgot-password", json: #"{"email": "x@example.org"}"#)
            try limited.expectProblem(.tooManyRequests)
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
        }
    }

    @Test func raisingTheScryptCostUpgradesEachHashAtItsNextLogin() async throws {
        let directory = try TemporaryDirectory("protalent-rehash")
        defer { directory.remove() }
        let environment = ["PROTALENT_MASTER_KEY": Base64.encode(SecureRandom.bytes(count: 32))]
        func platform(logN: Int) throws -> Platform {
            try Platform(Platform.Configuration(
                dataDirectory: directory.url, projectionsDirectory: repositoryProjections, environment: environment,
                passwordHasher: PasswordHasher(logN: logN), rateLimits: RateLimits(enabled: false), durability: .unsafeNoSync
            ))
        }
        let weak = try platform(logN: 10)
        try await buildApplication(platform: weak).test(.router) { client in
            _ = try await client.send(.post, "/auth/register", json: """
                {"email": "old@example.org", "password": "correct horse battery", "firstName": "O", "lastName": "H", "role": "student"}
                """)
        }
        weak.close()
        let strong = try platform(logN: 11)
        defer { strong.close() }
        try await buildApplication(platform: strong).test(.router) { client in
            _ = try await client.logIn("old@example.org")
            _ = try await client.logIn("old@example.org")
        }
        let types = try strong.log.read(from: 1, maxCount: 100).map(\.type)
        #expect(types.filter { $0 == "identity.password-changed" }.count == 1)
        #expect(types.filter { $0 == "identity.login-succeeded" }.count == 2)
    }
}
