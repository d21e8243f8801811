import Foundation
import Testing
import TestSupport

/// People's journeys over HTTP against the real binary, and the audit trail they leave.
@Suite(.serialized) struct JourneyTests {
    @Test func aStudentRegistersVerifiesFillsTheProfileAndIsErased() async throws {
        try await withServer { server in
            let email = uniqueEmail("awa")
            var positions: [(String, Int64)] = []

            let registered = try await server.register(email)
            #expect(registered.status == 201, "\(registered)")
            let id = try #require(registered.object["userId"] as? String)
            positions.append(("register", try #require(registered.logPosition)))
            let duplicate = try await server.register(email.uppercased())
            #expect(duplicate.status == 409 && duplicate.isProblem, "a second account on the same address: \(duplicate)")

            // Verification from the outbox, once.
            let token = try #require(try server.mailedToken(to: email), "no verification mail")
            let verified = try await server.client.send("GET", "/auth/verify-email?token=\(token)")
            #expect(verified.status == 200 && verified.object["emailVerified"] as? Bool == true, "\(verified)")
            let verifiedAt = try await server.logHead()
            positions.append(("verify", verified.logPosition ?? verifiedAt))
            let again = try await server.client.send("GET", "/auth/verify-email?token=\(token)")
            #expect(again.status < 500 && (again.status == 200 || again.isProblem), "a used token: \(again)")

            let wrong = try await server.login(email, password: "not the password at all")
            #expect(wrong.status == 401 && wrong.isProblem, "\(wrong)")
            positions.append(("failed login", try await server.logHead()))
            var awa = try await server.logIn(email, id: id)
            positions.append(("login", awa.position))

            // The profile, read back through the read models.
            let own = try await server.read("/users/profile", token: awa.accessToken, after: awa.position)
            #expect(own.status == 200, "\(own)")
            #expect(own.object["firstName"] as? String == "Awa")
            let update: [String: Any] = [
                "bio": "Étudiante en informatique à Dakar", "currentEducationLevel": "master", "fieldOfStudy": "Computer Science",
                "careerGoals": ["data engineer"], "interests": ["machine learning", "open source"],
                "languages": [["code": "fr", "level": "native"], ["code": "en", "level": "c1"]],
                "skills": [["name": "Swift", "level": "advanced"]], "countryCode": "SN", "city": "Dakar",
            ]
            let put = try await server.client.send("PUT", "/users/profile", json: update, token: awa.accessToken)
            #expect(put.status == 204, "\(put)")
            awa.position = try #require(put.logPosition, "a command answers with X-Log-Position")
            positions.append(("profile", awa.position))
            let filled = try await server.read("/users/profile", token: awa.accessToken, after: awa.position)
            #expect(filled.object["bio"] as? String == "Étudiante en informatique à Dakar", "\(filled)")
            #expect(filled.object["fieldOfStudy"] as? String == "Computer Science")
            #expect(filled.object["currentEducationLevel"] as? String == "master")

            // Visibility: members only, then seen by a member and not by the public.
            let preferences = try await server.client.send("PUT", "/users/preferences", json: ["profileVisibility": "members"], token: awa.accessToken)
            #expect(preferences.status == 204, "\(preferences)")
            awa.position = try #require(preferences.logPosition)
            positions.append(("preferences", awa.position))
            let anonymous = try await server.read("/users/\(id)/public", after: awa.position)
            #expect(anonymous.status == 404 && anonymous.isProblem, "a members-only profile to the public: \(anonymous)")
            let moussa = try await server.signUp(uniqueEmail("moussa"), firstName: "Moussa", lastName: "Ndiaye")
            let seen = try await server.read("/users/\(id)/public", token: moussa.accessToken, after: awa.position)
            #expect(seen.status == 200 && seen.object["firstName"] as? String == "Awa", "\(seen)")

            // Refresh rotation: the old token is spent. Presented again at once (as a client's concurrent
            // requests do), it gets the same new token and changes nothing; later, it would revoke the
            // login (APITests' RefreshConcurrencyTests move a clock past the grace period).
            let refreshed = try await server.client.send("POST", "/auth/refresh", json: ["refreshToken": awa.refreshToken])
            #expect(refreshed.status == 200, "\(refreshed)")
            positions.append(("refresh", try #require(refreshed.logPosition)))
            let repeated = try await server.client.send("POST", "/auth/refresh", json: ["refreshToken": awa.refreshToken])
            #expect(repeated.status == 200, "a refresh repeated within the grace period: \(repeated)")
            #expect(repeated.object["refreshToken"] as? String == refreshed.object["refreshToken"] as? String)
            positions.append(("refresh repeated", try await server.logHead()))
            awa = try await server.logIn(email, id: id)
            positions.append(("login again", awa.position))

            // Everything held about her.
            let export = try await server.read("/users/me/export", token: awa.accessToken, after: awa.position)
            #expect(export.status == 200, "\(export)")
            #expect(export.text.contains("Étudiante en informatique à Dakar"))

            // Erasure: gone from every read, the address free again.
            // Confirmed with the password: a bearer token alone erases nothing.
            let unconfirmed = try await server.client.send("DELETE", "/users/me", json: ["password": "not her password"], token: awa.accessToken)
            #expect(unconfirmed.status == 422 && unconfirmed.isProblem, "an erasure with a wrong password: \(unconfirmed)")
            positions.append(("erase unconfirmed", try await server.logHead()))
            let erased = try await server.client.send("DELETE", "/users/me", json: ["password": awa.password], token: awa.accessToken)
            #expect(erased.status == 204, "\(erased)")
            let erasedAt = try #require(erased.logPosition)
            positions.append(("erase", erasedAt))
            let gone = try await server.read("/users/\(id)/public", token: moussa.accessToken, after: erasedAt)
            #expect(gone.status == 404 && gone.isProblem, "an erased profile: \(gone)")
            let loginAfter = try await server.login(email)
            #expect(loginAfter.status == 401, "login of an erased account: \(loginAfter)")
            let reused = try await server.register(email)
            #expect(reused.status == 201, "the address is free after erasure: \(reused)")
            let tokenAfter = try await server.client.send("GET", "/users/profile", token: awa.accessToken)
            #expect(tokenAfter.status == 401 || tokenAfter.status == 404, "the erased person's token: \(tokenAfter)")
            #expect(tokenAfter.isProblem)

            // The audit trail of her account: what each call did, in order, and nothing personal left readable.
            let trail = try await server.replay(stream: "account-\(id)")
            let versions = trail.compactMap { ($0["version"] as? NSNumber)?.int64Value }
            #expect(versions == Array(1...Int64(trail.count)), "a stream's versions are 1...n")
            var byCall: [String] = []
            var previous: Int64 = 0
            for (call, position) in positions {
                let types = trail.filter {
                    let at = ($0["position"] as? NSNumber)?.int64Value ?? 0
                    return at > previous && at <= position
                }.compactMap { $0["type"] as? String }
                byCall.append("\(call): \(types.joined(separator: " "))")
                previous = max(previous, position)
            }
            #expect(byCall == [
                "register: identity.account-registered identity.email-verification-issued",
                "verify: identity.email-verified",
                "failed login: identity.login-failed",
                "login: identity.login-succeeded identity.refresh-token-family-issued",
                "profile: ",
                "preferences: ",
                "refresh: identity.refresh-token-rotated",
                "refresh repeated: ",
                "login again: identity.login-succeeded identity.refresh-token-family-issued",
                "erase unconfirmed: identity.confirmation-failed",
                "erase: identity.refresh-token-family-revoked identity.refresh-token-family-revoked identity.account-erased",  // both logins
            ], "\(trail.map { $0["type"] as? String ?? "?" })")
            let profileTrail = try await server.replay(stream: "profile-\(id)").compactMap { $0["type"] as? String }
            #expect(profileTrail.prefix(2) == ["profiles.profile-updated", "profiles.preferences-changed"], "\(profileTrail)")
            let everything = try await server.replay().map { String(describing: $0) }.joined()
            #expect(!everything.contains("Étudiante en informatique"), "an erased person's bio is still readable in the log")
            #expect(try await server.verify().status == 0)
        }
    }

    @Test func theBootstrapAdminGrantsRolesAfterARestart() async throws {
        try await withServer { server in
            let adminEmail = uniqueEmail("admin")
            let admin = try await server.signUp(adminEmail, firstName: "Fatou", lastName: "Sarr")
            let student = try await server.signUp(uniqueEmail("ibrahima"), firstName: "Ibrahima", lastName: "Fall")
            // Nobody makes themselves admin over HTTP.
            let selfGrant = try await server.client.send("PUT", "/admin/users/\(admin.id)/role", json: ["role": "admin"], token: admin.accessToken)
            #expect(selfGrant.status == 403 && selfGrant.isProblem, "\(selfGrant)")

            await server.stop()
            #expect(server.terminationStatus == 0, "SIGTERM ends the server cleanly")
            try await server.start(extraArguments: ["--bootstrap-admin", adminEmail])
            let promoted = try await server.logIn(adminEmail, id: admin.id)
            let grant = try await server.client.send("PUT", "/admin/users/\(student.id)/role", json: ["role": "moderator"], token: promoted.accessToken)
            #expect(grant.status == 204, "\(grant)")
            let bogus = try await server.client.send("PUT", "/admin/users/\(student.id)/role", json: ["role": "emperor"], token: promoted.accessToken)
            #expect(bogus.status == 422 && bogus.isProblem, "\(bogus)")
            let unknown = try await server.client.send("PUT", "/admin/users/\(UUID().uuidString.lowercased())/role", json: ["role": "mentor"], token: promoted.accessToken)
            #expect(unknown.status == 404 && unknown.isProblem, "\(unknown)")
            let types = try await server.replay(stream: "account-\(student.id)").compactMap { $0["type"] as? String }
            #expect(types.last == "identity.role-changed", "\(types)")
            let adminTypes = try await server.replay(stream: "account-\(admin.id)").compactMap { $0["type"] as? String }
            #expect(adminTypes.contains("identity.role-changed"), "the bootstrap promotion is in the audit trail: \(adminTypes)")
        }
    }
}
