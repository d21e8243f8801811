import Archive
import Cryptography
import Foundation
import Testing

/// The signer against AWS's published SigV4 test suite (Fixtures/sigv4, source in its README):
/// canonical request, string to sign and signature, byte for byte.
@Suite struct SigV4SignerTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/sigv4")

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []).filter { !$0.hasSuffix(".md") }.sorted()
    }

    struct Context: Decodable {
        struct Credentials: Decodable {
            var access_key_id: String
            var secret_access_key: String
            var token: String?
        }

        var credentials: Credentials
        var region: String
        var service: String
        var sign_body: Bool
        var timestamp: String
    }

    @Test func theSuiteIsThere() {
        #expect(Self.cases.count >= 20, "the fixtures are missing: \(Self.fixtures.path)")
    }

    @Test(arguments: cases)
    func signsLikeTheAWSTestSuite(_ name: String) throws {
        let folder = Self.fixtures.appendingPathComponent(name)
        func text(_ file: String) throws -> String { try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8) }
        let context = try JSONDecoder().decode(Context.self, from: Data(try text("context.json").utf8))
        let request = try parse(try text("request.txt"))
        let signer = SigV4Signer(
            credentials: S3Credentials(
                accessKeyID: context.credentials.access_key_id, secretAccessKey: context.credentials.secret_access_key,
                sessionToken: context.credentials.token
            ),
            region: context.region, service: context.service
        )
        var headers = request.headers
        let payloadHash = SigV4Signer.hex(SHA256.hash(Array(request.body.utf8)))
        if context.sign_body { headers.append((name: "x-amz-content-sha256", value: payloadHash)) }
        let date = try #require(ISO8601DateFormatter().date(from: context.timestamp))
        let signature = signer.sign(
            SigV4Signer.Request(method: request.method, path: request.path, query: request.query, headers: headers, payloadHash: payloadHash),
            at: date
        )
        #expect(signature.canonicalRequest == (try text("header-canonical-request.txt")))
        #expect(signature.stringToSign == (try text("header-string-to-sign.txt")))
        #expect(signature.signature == (try text("header-signature.txt")).trimmingCharacters(in: .whitespacesAndNewlines))
        let authorization = try #require(signature.headers.first { $0.name == "Authorization" }?.value)
        #expect(authorization.hasSuffix("Signature=" + signature.signature))
        #expect(authorization.contains("Credential=\(context.credentials.access_key_id)/"))
    }

    @Test func aChangedSecretOrBodyChangesTheSignature() throws {
        let request = SigV4Signer.Request(method: "PUT", path: "/bucket/key", headers: [(name: "host", value: "s3.example")], payloadHash: "00")
        let date = Date(timeIntervalSince1970: 1_440_938_160)
        let one = SigV4Signer(credentials: S3Credentials(accessKeyID: "A", secretAccessKey: "one"), region: "us-east-1").sign(request, at: date)
        let two = SigV4Signer(credentials: S3Credentials(accessKeyID: "A", secretAccessKey: "two"), region: "us-east-1").sign(request, at: date)
        var other = request
        other.payloadHash = "01"
        let three = SigV4Signer(credentials: S3Credentials(accessKeyID: "A", secretAccessKey: "one"), region: "us-east-1").sign(other, at: date)
        #expect(one.signature != two.signature)
        #expect(one.signature != three.signature)
    }

    /// A test-suite request: `METHOD PATH[?QUERY] HTTP/1.1`, header lines, a blank line, the body.
    private func parse(_ text: String) throws -> (method: String, path: String, query: [(name: String, value: String)],
                                                 headers: [(name: String, value: String)], body: String) {
        let parts = text.components(separatedBy: "\n\n")
        let lines = parts[0].components(separatedBy: "\n")
        let requestLine = lines[0]
        let method = String(requestLine.prefix { $0 != " " })
        let target = String(requestLine.dropFirst(method.count + 1).dropLast(" HTTP/1.1".count))
        let path = String(target.prefix { $0 != "?" })
        var query: [(name: String, value: String)] = []
        if target.count > path.count {
            for pair in target.dropFirst(path.count + 1).split(separator: "&", omittingEmptySubsequences: false) {
                let name = pair.prefix { $0 != "=" }
                query.append((name: String(name), value: String(pair.dropFirst(name.count + 1))))
            }
        }
        let headers = lines.dropFirst().filter { !$0.isEmpty }.map { line -> (name: String, value: String) in
            let name = line.prefix { $0 != ":" }
            return (name: String(name), value: String(line.dropFirst(name.count + 1)))
        }
        return (method, path, query, headers, parts.count > 1 ? parts.dropFirst().joined(separator: "\n\n") : "")
    }
}
