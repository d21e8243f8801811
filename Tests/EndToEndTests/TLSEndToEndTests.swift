import Foundation
import Testing
import TestSupport

/// `protalent serve --tls-cert F --tls-key F` from outside: a certificate made by `openssl req` in the
/// test, the real binary, and curl (`--cacert`) as the client that checks it; `Strict-Transport-Security`
/// on every answer and `Secure` on cookies only then; files that cannot serve refused at start, named.
@Suite(.serialized)
struct TLSEndToEndTests {
    static let openssl = ExternalTool(path: "/usr/bin/openssl")
    static let curl = ExternalTool(path: "/usr/bin/curl")

    /// A self-signed P-256 certificate for `127.0.0.1` and `localhost`, and its key, in `directory`.
    static func makeCertificate(in directory: String, name: String) async throws -> (certificate: String, key: String) {
        let certificate = "\(directory)/\(name).crt"
        let key = "\(directory)/\(name).key"
        let made = try await openssl.run([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
            "-out", certificate, "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ])
        try #require(made.status == 0, "openssl req: \(made.output)")
        return (certificate, key)
    }

    /// What curl got: its exit status, the answer's status, headers (names in lower case) and body.
    struct Answer {
        var exitStatus: Int32
        var output: String
        var status = 0
        var headers: [String: String] = [:]
        var body = ""

        init(_ result: (status: Int32, output: String)) {
            exitStatus = result.status
            output = result.output
            guard result.status == 0, let end = output.range(of: "\r\n\r\n") else { return }
            let lines = output[..<end.lowerBound].components(separatedBy: "\r\n")
            status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            body = String(output[end.upperBound...])
        }
    }

    /// One request with curl (`-i`: the head, then the body); `trust` is the CA file it checks the
    /// server against, `nil` for the system's store.
    static func request(
        _ url: String, method: String = "GET", json: String? = nil, trust: String?
    ) async throws -> Answer {
        var arguments = ["-sS", "-i", "--max-time", "20", "-X", method]
        if let trust { arguments += ["--cacert", trust] }
        if let json { arguments += ["-H", "Content-Type: application/json", "--data-binary", json] }
        return Answer(try await curl.run(arguments + [url]))
    }

    @Test func anHTTPSServerAnswersAClientThatTrustsItsCertificateWithHSTSAndSecureCookies() async throws {
        let directory = try TemporaryDirectory("protalent-tls")
        defer { directory.remove() }
        let pair = try await Self.makeCertificate(in: directory.path, name: "server")
        let server = ServerProcess(dataDirectory: directory.path + "/data", arguments: ["--tls-cert", pair.certificate, "--tls-key", pair.key])
        defer { server.removeFiles() }
        try await stopping([server]) {
            try await server.start()
            #expect(server.lastStdout.contains("ProTalent is listening on https://127.0.0.1:\(server.port)"))
            let base = "https://127.0.0.1:\(server.port)"

            let health = try await Self.request(base + "/health", trust: pair.certificate)
            #expect(health.exitStatus == 0 && health.status == 200, "\(health.output)")
            #expect(health.headers["strict-transport-security"] == "max-age=31536000")
            // A whole command and a refusal over TLS: both carry the header.
            let registered = try await Self.request(
                base + "/auth/register", method: "POST",
                json: #"{"email":"tls@example.org","password":"\#(testPassword)","firstName":"Awa","lastName":"Diop","role":"student"}"#,
                trust: pair.certificate
            )
            #expect(registered.status == 201, "\(registered.output)")
            #expect(registered.headers["strict-transport-security"] == "max-age=31536000")
            let refused = try await Self.request(base + "/users/profile", trust: pair.certificate)
            #expect(refused.status == 401 && refused.headers["content-type"]?.hasPrefix("application/problem+json") == true)
            #expect(refused.headers["strict-transport-security"] == "max-age=31536000")
            // The console's sign-in cookie is Secure: Hummingbird calls every request http, so this
            // shows the server's own TLS reached the cookie.
            let console = try await Self.request(base + "/console", trust: pair.certificate)
            let cookie = try #require(console.headers["set-cookie"], "\(console.output)")
            #expect(cookie.contains("HttpOnly") && cookie.hasSuffix("; Secure"))

            // A client that does not trust the certificate stops at the handshake (curl: 60).
            let untrusted = try await Self.request(base + "/health", trust: nil)
            #expect(untrusted.exitStatus == 60, "\(untrusted.output)")
            // Plain HTTP to the TLS port gets no answer.
            let plain = try await Self.request("http://127.0.0.1:\(server.port)/health", trust: nil)
            #expect(plain.exitStatus != 0 && plain.status == 0, "\(plain.output)")
        }
    }

    @Test func aPlainServerSendsNoHSTSAndNoSecureCookie() async throws {
        try await withServer { server in
            #expect(server.lastStdout.contains("ProTalent is listening on http://127.0.0.1:\(server.port)"))
            let health = try await Self.request("http://127.0.0.1:\(server.port)/health", trust: nil)
            #expect(health.status == 200 && health.headers["strict-transport-security"] == nil, "\(health.output)")
            let console = try await Self.request("http://127.0.0.1:\(server.port)/console", trust: nil)
            let cookie = try #require(console.headers["set-cookie"], "\(console.output)")
            #expect(!cookie.contains("Secure"))
        }
    }

    @Test func certificatesAndKeysThatCannotServeAreRefusedAtStartNamingTheFile() async throws {
        let directory = try TemporaryDirectory("protalent-tls")
        defer { directory.remove() }
        let pair = try await Self.makeCertificate(in: directory.path, name: "server")
        let other = try await Self.makeCertificate(in: directory.path, name: "other")
        let garbage = directory.path + "/garbage.pem"
        try Data("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n".utf8)
            .write(to: URL(fileURLWithPath: garbage))
        let missing = directory.path + "/missing.crt"
        let cases: [(arguments: [String], expected: String)] = [
            (["--tls-cert", missing, "--tls-key", pair.key], "cannot read the TLS certificate \(missing): no such file"),
            (["--tls-cert", pair.certificate, "--tls-key", directory.path], "cannot read the TLS private key \(directory.path): a directory"),
            (["--tls-cert", garbage, "--tls-key", pair.key], "the TLS certificate \(garbage) is invalid"),
            (["--tls-cert", pair.certificate, "--tls-key", pair.certificate], "the TLS private key \(pair.certificate) is invalid"),
            (["--tls-cert", pair.certificate, "--tls-key", other.key], "the TLS private key \(other.key) does not go with the certificate \(pair.certificate)"),
            (["--tls-cert", pair.certificate], "--tls-cert and --tls-key go together"),
        ]
        for (index, refusal) in cases.enumerated() {
            let server = ServerProcess(dataDirectory: directory.path + "/data-\(index)", arguments: refusal.arguments)
            defer { server.removeFiles() }
            let (status, output) = try await server.startExpectingRefusal()
            #expect(status == 1, "\(refusal.arguments): \(output)")
            #expect(output.contains("error: " + refusal.expected), "\(refusal.arguments): \(output)")
        }
    }
}
