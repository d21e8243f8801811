import Foundation

/// `PROTALENT_PUBLIC_URL`: where people reach this server, for links in mail and OIDC redirects.
enum PublicURL {
    /// The configured URL without a trailing slash, or `http://127.0.0.1:8080`.
    static func from(_ environment: [String: String]) -> String {
        var url = environment["PROTALENT_PUBLIC_URL"]?.trimmingCharacters(in: .whitespaces) ?? ""
        if url.isEmpty { url = OIDCSettings.defaultPublicURL }
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}
