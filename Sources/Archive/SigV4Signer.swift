import Cryptography
public import Foundation

/// AWS Signature Version 4 (header form): canonical request, string to sign, signing key and the
/// `Authorization` header, as S3 and every S3-compatible store check them.
///
/// Paths are encoded once (S3's rule; no `.`/`..` normalisation), query pairs sorted by encoded
/// name then value, header values trimmed with inner runs of spaces folded and duplicates joined by
/// commas. Checked against AWS's published test suite (`Tests/ArchiveTests/Fixtures/sigv4`).
public struct SigV4Signer: Sendable {
    /// The algorithm name that starts the string to sign and the `Authorization` header.
    public static let algorithm = "AWS4-HMAC-SHA256"
    /// The hex SHA-256 of an empty payload.
    public static let emptyPayloadHash = hex(SHA256.hash([UInt8]()))

    /// Who signs.
    public var credentials: S3Credentials
    /// The region (`us-east-1` when the store does not care).
    public var region: String
    /// The service name (`s3`).
    public var service: String

    /// A signer for `service` in `region`.
    public init(credentials: S3Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// A request to sign: what the canonical request covers.
    public struct Request: Sendable {
        /// `GET`, `PUT`, …
        public var method: String
        /// The path, not yet percent-encoded (`/bucket/a key`).
        public var path: String
        /// Query pairs, not yet percent-encoded, in any order.
        public var query: [(name: String, value: String)]
        /// Headers in any case and order, duplicates allowed; `host` must be among them.
        public var headers: [(name: String, value: String)]
        /// The hex SHA-256 of the body.
        public var payloadHash: String

        /// A request.
        public init(
            method: String, path: String, query: [(name: String, value: String)] = [],
            headers: [(name: String, value: String)], payloadHash: String = SigV4Signer.emptyPayloadHash
        ) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.payloadHash = payloadHash
        }
    }

    /// The outcome: the headers to add to the request, and the intermediate texts (for tests and
    /// for diagnosing a store's `SignatureDoesNotMatch`).
    public struct Signature: Sendable {
        /// The canonical request.
        public var canonicalRequest: String
        /// The string to sign.
        public var stringToSign: String
        /// The hex signature.
        public var signature: String
        /// `x-amz-date`, `x-amz-security-token` when there is a session token, and `Authorization`.
        public var headers: [(name: String, value: String)]
    }

    /// Signs `request` at `date`. Adds `x-amz-date` (and the session token) to the signed headers;
    /// a caller that wants `x-amz-content-sha256` signed puts it in `request.headers` itself.
    public func sign(_ request: Request, at date: Date) -> Signature {
        let (stamp, day) = Self.timestamps(date)
        var headers = request.headers
        headers.append((name: "x-amz-date", value: stamp))
        if let token = credentials.sessionToken { headers.append((name: "x-amz-security-token", value: token)) }

        // Duplicated names join their values with commas, in the order given.
        var merged: [String: [String]] = [:]
        for header in headers {
            merged[header.name.lowercased(), default: []].append(Self.trimmed(header.value))
        }
        let names = merged.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(merged[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let encodedQuery: [(name: String, value: String)] = request.query.map { pair in
            (name: Self.encode(pair.name, keepSlash: false), value: Self.encode(pair.value, keepSlash: false))
        }
        let sortedQuery = encodedQuery.sorted { left, right in left.name == right.name ? left.value < right.value : left.name < right.name }
        let canonicalQuery = sortedQuery.map { pair in pair.name + "=" + pair.value }.joined(separator: "&")
        let canonicalRequest = [
            request.method, Self.encode(request.path, keepSlash: true), canonicalQuery, canonicalHeaders, signedHeaders,
            request.payloadHash,
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [Self.algorithm, stamp, scope, Self.hex(SHA256.hash(Array(canonicalRequest.utf8)))].joined(separator: "\n")
        var key = HMAC.authenticationCode(for: Array(day.utf8), key: Array("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [region, service, "aws4_request"] {
            key = HMAC.authenticationCode(for: Array(part.utf8), key: key)
        }
        let signature = Self.hex(HMAC.authenticationCode(for: Array(stringToSign.utf8), key: key))
        var added: [(name: String, value: String)] = [(name: "x-amz-date", value: stamp)]
        if let token = credentials.sessionToken { added.append((name: "x-amz-security-token", value: token)) }
        added.append((
            name: "Authorization",
            value: "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        ))
        return Signature(canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature, headers: added)
    }

    /// Percent-encodes everything but the unreserved characters (`A-Z a-z 0-9 - . _ ~`), and `/`
    /// when `keepSlash`.
    public static func encode(_ text: String, keepSlash: Bool) -> String {
        var encoded = ""
        encoded.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                encoded.append("/")
            default:
                encoded += String(format: "%%%02X", byte)
            }
        }
        return encoded
    }

    /// Lowercase hex.
    public static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// `20150830T123600Z` and `20150830`, in UTC.
    static func timestamps(_ date: Date) -> (stamp: String, day: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let day = String(format: "%04d%02d%02d", parts.year!, parts.month!, parts.day!)
        return (day + String(format: "T%02d%02d%02dZ", parts.hour!, parts.minute!, parts.second!), day)
    }

    /// A header value with its ends trimmed and inner runs of spaces folded to one.
    static func trimmed(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
    }
}
