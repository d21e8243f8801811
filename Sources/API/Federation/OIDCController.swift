import Cryptography
import Domain
import EventSourcing
import Foundation
import Hummingbird

/// `/auth/oidc/*` and `/users/me/identities`: sign-in through OpenID Connect providers (code flow
/// with PKCE S256, `state` and `nonce` single-use and bound to the starting browser), and linking
/// or unlinking providers from one's profile.
struct OIDCController {
    let settings: OIDCSettings
    let providers: [String: OIDCProvider]
    let flows: OIDCFlows
    let federation: FederatedAccounts
    let throttle: RequestThrottle
    let clock: EventSourcing.Clock
    /// Told of admin sign-ins, as password logins tell it (a new network is an alert).
    let alerts: AlertMonitor

    /// The browser-binding cookie (`Path=/auth/oidc`: only the callback ever receives it).
    static let cookieName = "protalent_oidc"

    struct ExchangeBody: Decodable { var loginCode: String }
    struct ProviderName: Encodable { var name: String }
    struct LinkStart: Encodable { var url: String }
    struct LinkedIdentity: Encodable {
        var provider: String
        var issuer: String
        var linkedAt: Date
    }

    func addRoutes(to routes: RouteTable) {
        routes.add(.get, "/auth/oidc/providers", readsModels: false, RouteDocumentation(
            "The OpenID Connect providers one can sign in with", tag: "Auth",
            response: .object(["items": .array(.object(["name": .text], required: ["name"]))], required: ["items"])
        )) { _, _ in
            try JSONResponse.json(Items(items: settings.providers.keys.sorted().map { ProviderName(name: $0) }))
        }
        routes.add(.get, "/auth/oidc/{name}/start", readsModels: false, RouteDocumentation(
            "Start a sign-in: 302 to the provider (code flow, PKCE S256, state, nonce) with a browser-binding cookie", tag: "Auth",
            status: 302, query: ["redirectUri": .text]
        )) { request, context in try await start(request, context) }
        routes.add(.get, "/auth/oidc/{name}/callback", readsModels: false, RouteDocumentation(
            "The provider's redirect: the token pair (or 302 to the start's redirectUri with a one-time loginCode)", tag: "Auth",
            response: .ref("TokenPair"), query: ["code": .text, "state": .text]
        )) { request, context in try await callback(request, context) }
        routes.add(.post, "/auth/oidc/exchange", RouteDocumentation(
            "Turn a one-time loginCode into the token pair", tag: "Auth",
            request: .object(["loginCode": .text], required: ["loginCode"]), response: .ref("TokenPair")
        )) { request, context in try await exchange(&request, context) }
        routes.add(.get, "/users/me/identities", readsModels: false, RouteDocumentation(
            "The provider identities linked to my account", tag: "Users",
            response: .object(["items": .array(.object(["provider": .text, "issuer": .text, "linkedAt": .dateTime]))], required: ["items"])
        )) { _, context in try identities(context) }
        routes.add(.post, "/users/me/identities/{name}", RouteDocumentation(
            "Start linking a provider: the URL to open in this browser (a cookie binds the flow to it)", tag: "Users",
            response: .object(["url": .text], required: ["url"])
        )) { request, context in try await startLink(request, context) }
        routes.add(.delete, "/users/me/identities/{name}", RouteDocumentation(
            "Unlink a provider; the last way to sign in cannot be removed (409)", tag: "Users", status: 204
        )) { _, context in try await unlink(context) }
    }

    struct Items<Item: Encodable>: Encodable { var items: [Item] }

    func provider(_ context: AppRequestContext) throws(APIError) -> OIDCProvider {
        guard let name = context.parameters.get("name"), let provider = providers[name] else {
            throw .notFound("no such sign-in provider; GET /auth/oidc/providers lists them")
        }
        return provider
    }

    func start(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try throttle.chargeAuth(ip: context.peerAddress)
        let provider = try provider(context)
        let redirectURI = try QueryParameters(request).string("redirectUri", maxLength: 2_000)
        if let redirectURI, !settings.redirectURIs.contains(redirectURI) {
            throw APIError.invalid("redirectUri", "this redirectUri is not one of PROTALENT_OIDC_REDIRECT_URIS")
        }
        return try await authorizationRedirect(provider, linking: nil, redirectURI: redirectURI, overTLS: request.arrivedOverTLS) { url, cookie in
            var response = Response(status: .found, headers: [.location: url, .cacheControl: "no-store"])
            response.setCookie(cookie)
            return response
        }
    }

    func startLink(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let provider = try provider(context)
        return try await authorizationRedirect(provider, linking: user.id, redirectURI: nil, overTLS: request.arrivedOverTLS) { url, cookie in
            var response = try JSONResponse.json(LinkStart(url: url), headers: JSONResponse.noStore)
            response.setCookie(cookie)
            return response
        }
    }

    /// Remembers a new flow and answers with `answer(authorizationURL, browserCookie)`; the cookie is
    /// `Secure` when the public URL is `https` or the request came over TLS.
    func authorizationRedirect(
        _ provider: OIDCProvider, linking: UUID?, redirectURI: String?, overTLS: Bool, _ answer: (String, Cookie) throws -> Response
    ) async throws -> Response {
        let metadata: OIDCProvider.Metadata
        do { metadata = try await provider.discovery() } catch { throw Self.upstream(error) }
        let browserSecret = Base64URL.encode(SecureRandom.bytes(count: 32))
        let verifier = Base64URL.encode(SecureRandom.bytes(count: 32))
        let nonce = Base64URL.encode(SecureRandom.bytes(count: 24))
        let name = provider.settings.name
        let state = flows.begin(OIDCFlows.Flow(
            provider: name, nonce: nonce, codeVerifier: verifier, browserHash: SHA256.hash(Array(browserSecret.utf8)),
            linkingUserID: linking, redirectURI: redirectURI, expiresAt: .now + OIDCFlows.flowLifetime
        ))
        let query = FormEncoding.query([
            ("response_type", "code"), ("client_id", provider.settings.clientID), ("redirect_uri", settings.callbackURL(name)),
            ("scope", "openid email profile"), ("state", state), ("nonce", nonce),
            ("code_challenge", Base64URL.encode(SHA256.hash(Array(verifier.utf8)))), ("code_challenge_method", "S256"),
        ])
        let separator = metadata.authorization_endpoint.contains("?") ? "&" : "?"
        // SameSite=Lax: the provider's redirect back is a top-level GET, which Lax cookies accompany.
        let cookie = Cookie(
            name: Self.cookieName, value: browserSecret, maxAge: Int(OIDCFlows.flowLifetime.components.seconds), path: "/auth/oidc",
            secure: overTLS || settings.publicURL.hasPrefix("https:"), httpOnly: true, sameSite: .lax
        )
        return try answer(metadata.authorization_endpoint + separator + query, cookie)
    }

    func callback(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try throttle.chargeAuth(ip: context.peerAddress)
        let provider = try provider(context)
        let query = QueryParameters(request)
        let refused = APIError.unauthenticated("this sign-in is unknown, expired or was already used, or started in another browser; start again")
        guard let state = try query.string("state", maxLength: 200),
              let flow = flows.take(state: state, browserSecret: request.cookies[Self.cookieName]?.value),
              flow.provider == provider.settings.name
        else { throw refused }
        if let error = try query.string("error", maxLength: 200) {
            throw APIError.unauthenticated("the provider did not sign you in (\(error)); start again")
        }
        guard let code = try query.string("code", maxLength: 2_000) else { throw refused }
        let token: IDToken
        do {
            let idToken = try await provider.idToken(code: code, verifier: flow.codeVerifier, redirectURI: settings.callbackURL(flow.provider))
            token = try await IDToken.verify(
                idToken, provider: provider, issuer: provider.settings.issuer, clientID: provider.settings.clientID, nonce: flow.nonce, now: clock.now()
            )
        } catch let error as OIDCProvider.Refused {
            throw APIError.unauthenticated("\(error.description); start again")
        } catch let error as IDToken.Refusal {
            throw APIError.unauthenticated("the provider's id token was refused: \(error.description)")
        } catch {
            throw Self.upstream(error)
        }
        if let userID = flow.linkingUserID {
            let identity = federation.identity(provider: flow.provider, token: token)
            // The flow was started by this account's holder with their bearer token; linking checks only
            // that the principal is the holder, never its role.
            let position = try await federation.link(identity, to: userID, principal: .user(userID, .student))
            return JSONResponse.command(position: position)
        }
        let signedIn = try await federation.signIn(provider: flow.provider, token: token, language: AuthController.language(of: request))
        if signedIn.role == .admin { alerts.adminSignedIn(signedIn.userID, address: context.peerAddress) }
        let (pair, position) = (signedIn.pair, signedIn.position)
        if let redirectURI = flow.redirectURI {
            let separator = redirectURI.contains("?") ? "&" : "?"
            var response = JSONResponse.command(status: .found, position: position)
            response.headers[.location] = redirectURI + separator + FormEncoding.query([("loginCode", flows.loginCode(for: pair))])
            response.headers[.cacheControl] = "no-store"
            return response
        }
        return try JSONResponse.command(pair, position: position, headers: JSONResponse.noStore)
    }

    func exchange(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        try throttle.chargeAuth(ip: context.peerAddress)
        let body = try await request.decodeJSON(ExchangeBody.self)
        guard let pair = flows.redeem(loginCode: body.loginCode) else {
            throw APIError.unauthenticated("this login code is unknown, expired or was already used; sign in again")
        }
        return try JSONResponse.json(pair, headers: JSONResponse.noStore)
    }

    func identities(_ context: AppRequestContext) throws -> Response {
        let user = try context.requireUser()
        let state = try federation.commands.load(Identity.Account.self, stream: StreamName.account(user.id))
        let items = state.providers.values.sorted { $0.linkedAt < $1.linkedAt }
            .map { LinkedIdentity(provider: $0.provider, issuer: $0.issuer, linkedAt: $0.linkedAt) }
        return try JSONResponse.json(Items(items: items))
    }

    func unlink(_ context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        guard let name = context.parameters.get("name") else { throw APIError.notFound("no such provider") }
        let position = try await federation.unlink(provider: name, from: user.id, principal: try context.requirePrincipal())
        return JSONResponse.command(position: position)
    }

    /// A provider that cannot be reached or answers nonsense: 502, naming the fault.
    static func upstream(_ error: any Error) -> APIError {
        APIError(status: .badGateway, kind: "provider-unavailable", detail: "the sign-in provider failed: \(error)")
    }
}
