import Foundation
import Testing
import TestSupport

/// OpenID Connect sign-in through the real binary against real providers on loopback: the whole
/// code flow, replayed codes and states, a callback from another browser, the account rules
/// (no pre-hijacking), link and unlink, and id tokens that must be refused.
@Suite(.serialized, .enabled(if: OIDCProviderProcess.available, "run scripts/setup: oidc-provider-mock is not installed"))
struct OIDCEndToEndTests {
    /// A server with two providers: `mock` (oidc-provider-mock) and `forged` (the test's own).
    func withProviders(_ body: (ServerProcess, OIDCProviderProcess, OIDCProviderProcess) async throws -> Void) async throws {
        let directory = try TemporaryDirectory("protalent-oidc")
        defer { directory.remove() }
        let mock = OIDCProviderProcess(.mock, directory: directory.path)
        let forged = OIDCProviderProcess(.forged, directory: directory.path)
        defer { mock.stop(); forged.stop() }
        try await mock.start()
        try await forged.start()
        let port = try ServerProcess.freePort()
        let server = ServerProcess(dataDirectory: directory.path + "/data", environment: [
            "PROTALENT_PUBLIC_URL": "http://127.0.0.1:\(port)",
            "PROTALENT_OIDC_MOCK_ISSUER": mock.issuer, "PROTALENT_OIDC_MOCK_CLIENT_ID": "protalent-e2e",
            "PROTALENT_OIDC_MOCK_CLIENT_SECRET": "e2e-secret",
            "PROTALENT_OIDC_FORGED_ISSUER": forged.issuer, "PROTALENT_OIDC_FORGED_CLIENT_ID": "protalent-e2e",
            "PROTALENT_OIDC_FORGED_CLIENT_SECRET": "e2e-secret",
        ])
        server.fixedPort = port
        defer { server.removeFiles() }
        do {
            try await server.start()
            try await body(server, mock, forged)
            await server.stop()
        } catch {
            await server.kill()
            throw error
        }
    }

    /// What a browser holds after `/start`: where the provider is, and its binding cookie.
    struct Started {
        var authorization: URLComponents
        var cookie: String
    }

    func start(_ server: ServerProcess, _ provider: String, token: String? = nil) async throws -> Started {
        let answer: HTTPResponse
        if let token {
            answer = try await server.client.send("POST", "/users/me/identities/\(provider)", token: token)
            try #require(answer.status == 200, "link start: \(answer)")
        } else {
            answer = try await server.client.send("GET", "/auth/oidc/\(provider)/start")
            try #require(answer.status == 302, "start: \(answer)")
        }
        let location = try #require(token == nil ? answer.headers["location"] : answer.object["url"] as? String)
        let setCookie = try #require(answer.headers["set-cookie"])
        #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"))
        let cookie = String(setCookie.prefix { $0 != ";" })
        let authorization = try #require(URLComponents(string: location))
        let query = Dictionary(uniqueKeysWithValues: (authorization.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(query["code_challenge_method"] == "S256" && query["code_challenge"]?.count == 43)
        #expect(query["state"] != nil && query["nonce"] != nil && query["response_type"] == "code")
        return Started(authorization: authorization, cookie: cookie)
    }

    /// The provider's answer to the authorization request: the callback target on our server.
    func authorize(_ started: Started, at provider: OIDCProviderProcess, subject: String) async throws -> String {
        let target = started.authorization.percentEncodedPath + "?" + (started.authorization.percentEncodedQuery ?? "")
        let answer: HTTPResponse
        switch provider.kind {
        case .mock:
            answer = try await provider.client.send(
                "POST", target, body: Data("sub=\(subject)".utf8), headers: ["Content-Type": "application/x-www-form-urlencoded"]
            )
        case .forged:
            answer = try await provider.client.send("GET", target)
        }
        try #require(answer.status == 302, "authorize: \(answer)")
        let location = try #require(answer.headers["location"])
        let callback = try #require(URLComponents(string: location))
        #expect(callback.path.hasSuffix("/callback"))
        return callback.percentEncodedPath + "?" + (callback.percentEncodedQuery ?? "")
    }

    func setUser(_ mock: OIDCProviderProcess, _ subject: String, email: String, verified: Bool) async throws {
        let set = try await mock.client.send("PUT", "/users/\(subject)", json: ["email": email, "email_verified": verified, "given_name": "Awa"])
        try #require(set.status == 204, "mock user: \(set)")
    }

    /// A whole sign-in through `provider` as `subject`: the callback's answer.
    func signIn(_ server: ServerProcess, _ provider: OIDCProviderProcess, name: String, subject: String) async throws -> HTTPResponse {
        let started = try await start(server, name)
        let callback = try await authorize(started, at: provider, subject: subject)
        return try await server.client.send("GET", callback, headers: ["Cookie": started.cookie])
    }

    func userID(_ server: ServerProcess, _ pair: HTTPResponse) async throws -> String {
        let token = try #require(pair.object["accessToken"] as? String, "\(pair)")
        let profile = try await server.read("/users/profile", token: token, after: pair.logPosition)
        try #require(profile.status == 200, "profile: \(profile)")
        return try #require((profile.object["userId"] ?? profile.object["id"]) as? String, "\(profile)")
    }

    @Test(.timeLimit(.minutes(5)))
    func theCodeFlowSignsInOnceBoundToTheBrowserThatStartedIt() async throws {
        try await withProviders { server, mock, _ in
            let providers = try await server.client.send("GET", "/auth/oidc/providers")
            #expect((providers.object["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["forged", "mock"])
            let email = uniqueEmail("oidc")
            try await setUser(mock, "subject-1", email: email, verified: true)

            let started = try await start(server, "mock")
            let callback = try await authorize(started, at: mock, subject: "subject-1")
            // Another browser (no cookie, or another one) cannot use the state: login CSRF.
            let elsewhere = try await server.client.send("GET", callback)
            #expect(elsewhere.status == 401 && elsewhere.isProblem, "\(elsewhere)")
            let otherCookie = try await server.client.send("GET", callback, headers: ["Cookie": "protalent_oidc=forged"])
            #expect(otherCookie.status == 401, "\(otherCookie)")
            // A forged state with the right cookie.
            let forgedState = callback.replacingOccurrences(of: "state=", with: "state=x")
            #expect(try await server.client.send("GET", forgedState, headers: ["Cookie": started.cookie]).status == 401)

            let first = try await server.client.send("GET", callback, headers: ["Cookie": started.cookie])
            #expect(first.status == 200, "\(first)")
            #expect(first.headers["cache-control"] == "no-store")
            let id = try await userID(server, first)
            // Replayed: the state is spent (and so is the code).
            let replayed = try await server.client.send("GET", callback, headers: ["Cookie": started.cookie])
            #expect(replayed.status == 401 && replayed.isProblem, "\(replayed)")

            // A second sign-in reaches the same account; its refresh token works like a password login's.
            let again = try await signIn(server, mock, name: "mock", subject: "subject-1")
            #expect(again.status == 200, "\(again)")
            #expect(try await userID(server, again) == id)
            let refreshed = try await server.client.send("POST", "/auth/refresh", json: ["refreshToken": try #require(again.object["refreshToken"])])
            #expect(refreshed.status == 200, "\(refreshed)")
            // The account has no password: a password login is refused.
            #expect(try await server.login(email).status == 401)
            // The provider identity is an event in the log.
            let events = try await server.replay(stream: "account-\(id)").compactMap { $0["type"] as? String }
            #expect(events.contains("identity.provider-linked") && events.contains("identity.login-succeeded"), "\(events)")
        }
    }

    @Test(.timeLimit(.minutes(5)))
    func aProviderVerifiedEmailTakesOverAnUnverifiedAccountAndEndsItsPassword() async throws {
        try await withProviders { server, mock, _ in
            // Someone registers the owner's address first and never verifies it (pre-hijacking).
            let email = uniqueEmail("victim")
            let registered = try await server.register(email)
            try #require(registered.status == 201)
            let squatterID = try #require(registered.object["userId"] as? String)
            let squatter = try await server.login(email)
            try #require(squatter.status == 200)

            try await setUser(mock, "owner", email: email, verified: true)
            let owner = try await signIn(server, mock, name: "mock", subject: "owner")
            #expect(owner.status == 200, "\(owner)")
            #expect(try await userID(server, owner) == squatterID)
            // The squatter's password, refresh token and access token stop working.
            #expect(try await server.login(email).status == 401)
            let refresh = try await server.client.send("POST", "/auth/refresh", json: ["refreshToken": try #require(squatter.object["refreshToken"])])
            #expect(refresh.status == 401 || refresh.status == 403, "\(refresh)")
            let oldAccess = try await server.client.send("GET", "/users/profile", token: squatter.object["accessToken"] as? String)
            #expect(oldAccess.status == 401, "\(oldAccess)")

            // A provider that does not vouch for the address never signs into an existing account.
            let verifiedOwner = try await server.signUp(uniqueEmail("verified"))
            try await setUser(mock, "unverified", email: verifiedOwner.email, verified: false)
            let refused = try await signIn(server, mock, name: "mock", subject: "unverified")
            #expect(refused.status == 409 && refused.isProblem, "\(refused)")
            // A verified one signs into the verified account, and its password keeps working.
            try await setUser(mock, "verified-owner", email: verifiedOwner.email, verified: true)
            let linked = try await signIn(server, mock, name: "mock", subject: "verified-owner")
            #expect(linked.status == 200, "\(linked)")
            #expect(try await userID(server, linked) == verifiedOwner.id)
            #expect(try await server.login(verifiedOwner.email).status == 200)
        }
    }

    @Test(.timeLimit(.minutes(5)))
    func aPersonLinksAndUnlinksProvidersButKeepsOneWayToSignIn() async throws {
        try await withProviders { server, mock, forged in
            let person = try await server.signUp(uniqueEmail("linker"))
            try await setUser(mock, "linker", email: "elsewhere@example.org", verified: false)
            let started = try await start(server, "mock", token: person.accessToken)
            let callback = try await authorize(started, at: mock, subject: "linker")
            let linked = try await server.client.send("GET", callback, headers: ["Cookie": started.cookie])
            #expect(linked.status == 204, "\(linked)")
            let identities = try await server.client.send("GET", "/users/me/identities", token: person.accessToken)
            #expect((identities.object["items"] as? [[String: Any]])?.first?["provider"] as? String == "mock", "\(identities)")
            // The linked identity now signs into this account.
            let viaProvider = try await signIn(server, mock, name: "mock", subject: "linker")
            #expect(try await userID(server, viaProvider) == person.id)
            // The password remains, so the provider may go.
            let unlinked = try await server.client.send("DELETE", "/users/me/identities/mock", token: person.accessToken)
            #expect(unlinked.status == 204, "\(unlinked)")

            // A provider-only account cannot remove its only way in.
            let forgedEmail = uniqueEmail("provider-only")
            #expect(try await forged.client.send("POST", "/fault", json: ["fault": "none", "sub": "only", "email": forgedEmail]).status == 204)
            let only = try await signIn(server, forged, name: "forged", subject: "only")
            #expect(only.status == 200, "\(only)")
            let last = try await server.client.send("DELETE", "/users/me/identities/forged", token: only.object["accessToken"] as? String)
            #expect(last.status == 409 && last.isProblem, "\(last)")
        }
    }

    @Test(.timeLimit(.minutes(5)))
    func idTokensThatAreExpiredMisaddressedOrWronglySignedAreRefused() async throws {
        try await withProviders { server, _, forged in
            let email = uniqueEmail("forged")
            // Each refused for its own reason (the problem's detail names it).
            let reasons = ["expired": "expired", "audience": "(aud)", "issuer": "issuer is", "nonce": "nonce", "signature": "signature"]
            for (fault, reason) in reasons.sorted(by: { $0.key < $1.key }) {
                #expect(try await forged.client.send("POST", "/fault", json: ["fault": fault, "alg": "RS256", "sub": "s", "email": email]).status == 204)
                let answer = try await signIn(server, forged, name: "forged", subject: "s")
                #expect(answer.status == 401 && answer.isProblem, "\(fault): \(answer)")
                #expect((answer.object["detail"] as? String)?.contains(reason) == true, "\(fault): \(answer)")
            }
            // ES256, then a key the server has not cached yet (rotation): both sign in.
            for shape: [String: Any] in [["fault": "none", "alg": "ES256"], ["fault": "none", "alg": "RS256", "rotate": true]] {
                #expect(try await forged.client.send("POST", "/fault", json: shape).status == 204)
                let answer = try await signIn(server, forged, name: "forged", subject: "s")
                #expect(answer.status == 200, "\(shape): \(answer)")
            }
        }
    }

    @Test(.timeLimit(.minutes(5)))
    func anAdminSigningInThroughAProviderFromANewNetworkRaisesTheAlertAsAPasswordLoginDoes() async throws {
        try await withProviders { server, mock, _ in
            // A password login from 127.0.0.1 teaches the server the admin's first network.
            let admin = try await server.bootstrapAdmin()
            try await setUser(mock, "admin-subject", email: admin.email, verified: true)
            let started = try await start(server, "mock")
            let callback = try await authorize(started, at: mock, subject: "admin-subject")
            var elsewhere = server.client
            elsewhere.sourceAddress = "127.0.5.9"
            let answer = try await elsewhere.send("GET", callback, headers: ["Cookie": started.cookie])
            #expect(answer.status == 200, "\(answer)")
            #expect(try await userID(server, answer) == admin.id)
            // The alert is appended after the answer: wait on the log's directory for it.
            let directory = server.dataDirectory
            let alert = try await offPool {
                try DirectoryWatch.wait(in: directory + "/log") { () throws -> String? in
                    let run = try ProtalentBinary.run(["replay", "--data-dir", directory, "--stream", "security-alerts", "--format", "jsonl"])
                    return run.stdout.split(separator: "\n").first { $0.contains("admin_new_network") }.map(String.init)
                }
            }
            #expect(alert.contains("127.0.5.0/24"), "\(alert)")
        }
    }

    @Test(.timeLimit(.minutes(5)))
    func aNewAccountFromAProviderUnverifiedAddressIsSentTheVerificationMail() async throws {
        try await withProviders { server, mock, _ in
            let verified = uniqueEmail("oidc-verified")
            let unverified = uniqueEmail("oidc-unverified")
            try await setUser(mock, "verified-subject", email: verified, verified: true)
            try await setUser(mock, "unverified-subject", email: unverified, verified: false)
            #expect(try await signIn(server, mock, name: "mock", subject: "verified-subject").status == 200)
            let pair = try await signIn(server, mock, name: "mock", subject: "unverified-subject")
            #expect(pair.status == 200, "\(pair)")
            // Queued before the answer, delivered after it, in order: once the second is there, the
            // provider-verified account would have had its mail too.
            let token = try #require(try server.mailedToken(to: unverified), "no verification mail for \(unverified)")
            #expect(try server.newestToken(to: verified) == nil)
            let confirmed = try await server.client.send("GET", "/auth/verify-email?token=\(token)")
            #expect(confirmed.status == 200, "\(confirmed)")
            let id = try await userID(server, pair)
            let events = try await server.replay(stream: "account-\(id)").compactMap { $0["type"] as? String }
            #expect(events.contains("identity.email-verified"), "\(events)")
        }
    }
}
