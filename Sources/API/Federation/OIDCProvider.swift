import AsyncHTTPClient
import Cryptography
import Foundation
import NIOCore
import NIOHTTP1

/// One OpenID Connect provider as the server talks to it: its discovery document and its keys
/// (both cached), and the token endpoint.
///
/// Keys are fetched again when a token names a `kid` the cache lacks (a provider rotated its keys),
/// or when no cached key verifies a token, each at most once per `keyRefreshInterval`, so odd tokens
/// cannot make the server hammer the provider.
actor OIDCProvider {
    /// The discovery fields the code flow uses.
    struct Metadata: Decodable, Sendable {
        var issuer: String
        var authorization_endpoint: String
        var token_endpoint: String
        var jwks_uri: String
    }

    /// Why talking to the provider failed (answered as a 502 by the controller: the fault is upstream).
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let settings: OIDCSettings.Provider
    private let http: HTTPClient
    private var metadata: Metadata?
    private var keys: [String?: [SignatureKey]] = [:]
    private var allKeys: [SignatureKey] = []
    private var keysFetchedAt: ContinuousClock.Instant?
    /// Fewest seconds between two key fetches.
    static let keyRefreshInterval: Duration = .seconds(10)

    init(settings: OIDCSettings.Provider, http: HTTPClient = .shared) {
        self.settings = settings
        self.http = http
    }

    /// The discovery document (fetched once; its issuer must be the configured one, OIDC Discovery §4.3).
    func discovery() async throws -> Metadata {
        if let metadata { return metadata }
        let fetched = try await getJSON(Metadata.self, settings.issuer + "/.well-known/openid-configuration")
        guard fetched.issuer.trimmingSuffix("/") == settings.issuer else {
            throw Failure(description: "the provider's discovery names issuer \(fetched.issuer), not \(settings.issuer)")
        }
        metadata = fetched
        return fetched
    }

    /// The keys that may have signed a token with `keyID`: the cached ones; for a `kid` the cache
    /// lacks, the keys fetched again (a provider rotated them), unless that `kid` was still unknown
    /// after a fetch in the last `keyRefreshInterval`; with `refresh` (no cached key verified a
    /// token), fetched again at most once per `keyRefreshInterval`.
    func keys(for keyID: String?, refresh: Bool = false) async throws -> [SignatureKey] {
        let cached = keyID.map { keys[$0] ?? [] } ?? allKeys
        let now = ContinuousClock.now
        let recentlyFetched = keysFetchedAt.map { now - $0 < Self.keyRefreshInterval } ?? false
        if refresh {
            if recentlyFetched { return cached }
        } else if !cached.isEmpty {
            return cached
        } else if let keyID, let missed = unknownKeyIDs[keyID], now - missed < Self.keyRefreshInterval {
            return []
        }
        try await fetchKeys()
        let found = keyID.map { keys[$0] ?? [] } ?? allKeys
        if let keyID, found.isEmpty {
            unknownKeyIDs = unknownKeyIDs.filter { now - $0.value < Self.keyRefreshInterval }
            unknownKeyIDs[keyID] = now
        }
        return found
    }

    /// `kid`s still unknown after a fetch, and when: asked again soon, they do not fetch again.
    private var unknownKeyIDs: [String: ContinuousClock.Instant] = [:]

    private func fetchKeys() async throws {
        struct JWKSet: Decodable { var keys: [JWK] }
        struct JWK: Decodable {
            var kty: String
            var kid: String?
            var use: String?
            var alg: String?
            var n: String?
            var e: String?
            var crv: String?
            var x: String?
            var y: String?
        }
        let set = try await getJSON(JWKSet.self, try await discovery().jwks_uri)
        var byID: [String?: [SignatureKey]] = [:]
        var all: [SignatureKey] = []
        for jwk in set.keys where jwk.use == nil || jwk.use == "sig" {
            let key: SignatureKey?
            switch jwk.kty {
            case "RSA":
                key = jwk.n.flatMap(Base64URL.decode).flatMap { n in
                    jwk.e.flatMap(Base64URL.decode).flatMap { e in try? SignatureKey.rsa(modulus: n, exponent: e) }
                }
            case "EC" where jwk.crv == "P-256":
                key = jwk.x.flatMap(Base64URL.decode).flatMap { x in
                    jwk.y.flatMap(Base64URL.decode).flatMap { y in try? SignatureKey.p256(x: x, y: y) }
                }
            default:
                key = nil  // a key type we do not verify with
            }
            guard let key else { continue }
            if let alg = jwk.alg, alg != key.algorithm.rawValue { continue }
            byID[jwk.kid, default: []].append(key)
            all.append(key)
        }
        keys = byID
        allKeys = all
        keysFetchedAt = .now
    }

    /// Redeems an authorization code (client_secret_basic, with the PKCE verifier) for the id token.
    func idToken(code: String, verifier: String, redirectURI: String) async throws -> String {
        struct TokenAnswer: Decodable { var id_token: String? }
        var request = HTTPClientRequest(url: try await discovery().token_endpoint)
        request.method = .POST
        let form = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI), ("code_verifier", verifier),
            ("client_id", settings.clientID),
        ].map { "\($0.0)=\(FormEncoding.escape($0.1))" }.joined(separator: "&")
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        let credentials = "\(FormEncoding.escape(settings.clientID)):\(FormEncoding.escape(settings.clientSecret))"
        request.headers.add(name: "Authorization", value: "Basic \(Data(credentials.utf8).base64EncodedString())")
        request.body = .bytes(ByteBuffer(string: form))
        let response = try await http.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else {
            // The provider refused the code (spent, expired, forged): the sign-in fails, not the server.
            throw Refused(description: "the provider refused the authorization code (\(response.status.code))")
        }
        guard let token = try? JSONDecoder().decode(TokenAnswer.self, from: Data(body.readableBytesView)).id_token else {
            throw Failure(description: "the provider's token answer has no id_token")
        }
        return token
    }

    /// The provider refused what the browser brought back (a spent or forged code).
    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    private func getJSON<T: Decodable>(_ type: T.Type, _ url: String) async throws -> T {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json")
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .seconds(10))
        } catch {
            throw Failure(description: "the provider did not answer \(url): \(error)")
        }
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw Failure(description: "the provider answered \(response.status.code) to \(url)") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
        } catch {
            throw Failure(description: "the provider's \(url) is not the JSON expected: \(error)")
        }
    }
}

extension String {
    /// The string without one trailing `suffix`.
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
