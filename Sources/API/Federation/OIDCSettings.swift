import Foundation

/// The OpenID Connect providers of a server, from its environment.
///
/// `PROTALENT_OIDC_<NAME>_ISSUER`, `_CLIENT_ID`, `_CLIENT_SECRET` configure one provider, used in
/// paths as NAME in lower case (`/auth/oidc/google/start`); its redirect URI is
/// `{PROTALENT_PUBLIC_URL}/auth/oidc/{name}/callback`. `PROTALENT_OIDC_REDIRECT_URIS` (comma
/// separated) lists the client pages a sign-in may end on with a one-time login code.
public struct OIDCSettings: Sendable {
    /// One provider's registration.
    public struct Provider: Sendable, Equatable {
        /// NAME in lower case.
        public var name: String
        /// The issuer (discovery at `{issuer}/.well-known/openid-configuration`).
        public var issuer: String
        /// Our client id at the provider (the id token's audience).
        public var clientID: String
        /// Our client secret.
        public var clientSecret: String
    }

    /// The providers, by name.
    public var providers: [String: Provider]
    /// `PROTALENT_PUBLIC_URL` without a trailing slash.
    public var publicURL: String
    /// Pages a sign-in may redirect to with a login code.
    public var redirectURIs: Set<String>

    /// The public URL when `PROTALENT_PUBLIC_URL` is unset.
    public static let defaultPublicURL = "http://127.0.0.1:8080"

    /// The settings in `environment`; a provider missing its client id is left out.
    public init(environment: [String: String]) {
        publicURL = PublicURL.from(environment)
        redirectURIs = Set((environment["PROTALENT_OIDC_REDIRECT_URIS"] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        var providers: [String: Provider] = [:]
        let prefix = "PROTALENT_OIDC_", suffix = "_ISSUER"
        for (key, issuer) in environment where key.hasPrefix(prefix) && key.hasSuffix(suffix) && key.count > prefix.count + suffix.count {
            let upper = String(key.dropFirst(prefix.count).dropLast(suffix.count))
            guard upper.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
                  let clientID = environment["\(prefix)\(upper)_CLIENT_ID"], !clientID.isEmpty
            else { continue }
            let name = upper.lowercased()
            providers[name] = Provider(
                name: name, issuer: issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer, clientID: clientID,
                clientSecret: environment["\(prefix)\(upper)_CLIENT_SECRET"] ?? ""
            )
        }
        self.providers = providers
    }

    /// Where `provider` sends the browser back.
    public func callbackURL(_ provider: String) -> String { "\(publicURL)/auth/oidc/\(provider)/callback" }
}
