import API
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A minimal browser for the console over a test client: it keeps the cookies the console sets
/// (`Path=/console`) and reads the CSRF token out of each page's forms, as a browser would post them.
final class ConsoleBrowser {
    let client: any TestClientProtocol
    /// Cookies by name (a `Max-Age=0` cookie removes one).
    private(set) var cookies: [String: String] = [:]
    /// The CSRF token of the last page that had a form.
    private(set) var csrf: String?
    /// Headers added to every request (e.g. `X-Forwarded-Proto`).
    var extraHeaders: HTTPFields = [:]

    init(_ client: any TestClientProtocol) {
        self.client = client
    }

    /// GET `path`, following nothing (a 303 is returned as such).
    @discardableResult
    func get(_ path: String) async throws -> TestResponse {
        let response = try await client.execute(uri: path, method: .get, headers: requestHeaders(), body: nil)
        absorb(response)
        return response
    }

    /// POST a form to `path`; `csrf` `true` adds the last page's token, a string adds that one.
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)] = [], csrf: Bool = true) async throws -> TestResponse {
        var fields = fields
        if csrf, let token = self.csrf { fields.append(("csrf", token)) }
        var headers = requestHeaders()
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        let response = try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
        absorb(response)
        return response
    }

    /// Opens the sign-in page and signs in; returns the answer to the form.
    @discardableResult
    func signIn(_ email: String, password: String = "correct horse battery", code: String? = nil) async throws -> TestResponse {
        let page = try await get("/console")
        #expect(page.status == .ok, "\(page.status)")
        var fields = [("email", email), ("password", password)]
        if let code { fields.append(("totpCode", code)) }
        return try await post("/console/login", fields)
    }

    /// The `Set-Cookie` values of `response`.
    static func setCookies(_ response: TestResponse) -> [String] {
        response.headers.filter { $0.name == .setCookie }.map(\.value)
    }

    private func requestHeaders() -> HTTPFields {
        var headers = extraHeaders
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        return headers
    }

    private func absorb(_ response: TestResponse) {
        for cookie in Self.setCookies(response) {
            let pair = cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0])
            if cookie.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = pair.count > 1 ? String(pair[1]) : "" }
        }
        let text = String(decoding: response.body.readableBytesView, as: UTF8.self)
        if let range = text.range(of: #"name="csrf" value=""#) {
            csrf = String(text[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    private static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
