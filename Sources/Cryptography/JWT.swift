#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// HS256 JSON Web Tokens (RFC 7519) in JWS compact serialisation (RFC 7515), over `HMAC`.
///
/// Verification is strict: the header's `alg` must be exactly `"HS256"` (so `"none"`, other
/// algorithms and a missing `alg` are refused before anything else is trusted), a `crit` header is
/// refused, the signature is compared in constant time before the payload is parsed, and `exp`/`nbf`
/// are checked against the `now` the caller passes (this type never reads a clock).
public struct JWT: Sendable {
    /// The shortest key accepted: RFC 7518 §3.2 requires at least the hash size for HS256.
    public static let minimumKeyByteCount = 32
    /// Longer tokens are refused before any parsing.
    public static let maximumTokenLength = 8192

    private let key: [UInt8]

    /// A signer and verifier with `key` (at least 32 random bytes).
    public init(key: [UInt8]) throws(Error) {
        guard key.count >= Self.minimumKeyByteCount else { throw .weakKey(key.count) }
        self.key = key
    }

    /// The signed token for `claims`.
    ///
    /// - Throws: `Error.reservedClaim` when `claims.extra` uses a registered claim name.
    public func sign(_ claims: JWTClaims) throws(Error) -> String {
        if let name = claims.extra.keys.sorted().first(where: JWTClaims.registeredNames.contains) {
            throw .reservedClaim(name)
        }
        var object: [String: ClaimValue] = claims.extra.mapValues { .string($0) }
        object["sub"] = .string(claims.subject)
        object["role"] = .string(claims.role)
        object["iat"] = .integer(claims.issuedAt)
        object["exp"] = .integer(claims.expiresAt)
        object["jti"] = .string(claims.id)
        if let notBefore = claims.notBefore { object["nbf"] = .integer(notBefore) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let payload: Data
        do { payload = try encoder.encode(object) } catch { throw .malformed("the claims could not be encoded: \(error)") }
        let signingInput = Self.header + "." + Base64URL.encode(Array(payload))
        return signingInput + "." + Base64URL.encode(signature(of: signingInput))
    }

    /// Checks the token's structure, header and signature, and returns its payload bytes (the JSON
    /// claims set) without interpreting them.
    public func verifiedPayload(_ token: String) throws(Error) -> [UInt8] {
        guard token.utf8.count <= Self.maximumTokenLength else {
            throw .malformed("the token is longer than \(Self.maximumTokenLength) bytes")
        }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw .malformed("a JWS compact token has three dot-separated parts, this one has \(parts.count)")
        }
        guard let headerBytes = Base64URL.decode(parts[0]) else { throw .malformed("the header is not base64url") }
        guard let header = Self.object(headerBytes) else { throw .malformed("the header is not a JSON object") }
        switch header["alg"] {
        case .string("HS256"): break
        case .string(let algorithm): throw .unsupportedAlgorithm(algorithm)
        case nil: throw .missingAlgorithm
        case .some: throw .malformed("the header's alg is not a string")
        }
        if header["crit"] != nil { throw .unsupportedCriticalHeader }
        switch header["typ"] {
        case nil: break
        case .string(let type) where type.uppercased() == "JWT": break
        default: throw .malformed("the header's typ is not \"JWT\"")
        }
        guard let signature = Base64URL.decode(parts[2]) else { throw .malformed("the signature is not base64url") }
        let signingInput = token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count)
        guard ConstantTime.equals(self.signature(of: Array(signingInput)), signature) else { throw .invalidSignature }
        guard let payload = Base64URL.decode(parts[1]) else { throw .malformed("the payload is not base64url") }
        return payload
    }

    /// Verifies `token` and returns its claims.
    ///
    /// - Parameters:
    ///   - now: the current time in seconds since 1970, from the caller's clock.
    ///   - leeway: seconds of clock skew tolerated on `exp` and `nbf`.
    public func verify(_ token: String, now: Int64, leeway: Int64 = 0) throws(Error) -> JWTClaims {
        let payload = try verifiedPayload(token)
        guard let object = Self.object(payload) else { throw .malformed("the payload is not a JSON object") }
        let claims = try Self.claims(from: object)
        // Written as `now - leeway` so a signed but absurd `exp` (near Int64.max) cannot overflow.
        guard now - leeway < claims.expiresAt else { throw .expired(at: claims.expiresAt) }
        if let notBefore = claims.notBefore, now + leeway < notBefore { throw .notYetValid(until: notBefore) }
        return claims
    }

    /// HMAC-SHA-256 of the signing input under this key.
    func signature(of signingInput: some StringProtocol) -> [UInt8] {
        signature(of: Array(signingInput.utf8))
    }

    func signature(of signingInput: [UInt8]) -> [UInt8] {
        HMAC.authenticationCode(for: signingInput, key: key, algorithm: .sha256)
    }

    /// The encoded header of every token this type signs: `{"alg":"HS256","typ":"JWT"}`.
    private static let header = Base64URL.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))

    private static func object(_ bytes: [UInt8]) -> [String: JSONValue]? {
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)) else { return nil }
        return object
    }

    private static func claims(from object: [String: JSONValue]) throws(Error) -> JWTClaims {
        func string(_ name: String) throws(Error) -> String {
            switch object[name] {
            case .string(let value)?: return value
            case nil: throw .missingClaim(name)
            case .some: throw .invalidClaim(name, "is not a string")
            }
        }
        func date(_ name: String) throws(Error) -> Int64? {
            switch object[name] {
            case nil: return nil
            case .integer(let value)?: return value
            case .number(let value)? where value.isFinite && abs(value) < 1e15: return Int64(value.rounded(.down))
            case .some: throw .invalidClaim(name, "is not a NumericDate (seconds since 1970)")
            }
        }
        guard let expiresAt = try date("exp") else { throw .missingClaim("exp") }
        guard let issuedAt = try date("iat") else { throw .missingClaim("iat") }
        var extra: [String: String] = [:]
        for (name, value) in object where !JWTClaims.registeredNames.contains(name) {
            if case .string(let text) = value { extra[name] = text }
        }
        return JWTClaims(
            subject: try string("sub"), role: try string("role"), issuedAt: issuedAt, expiresAt: expiresAt,
            notBefore: try date("nbf"), id: try string("jti"), extra: extra)
    }

    /// A claim value as written by `sign`.
    private enum ClaimValue: Encodable {
        case string(String)
        case integer(Int64)

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let value): try container.encode(value)
            case .integer(let value): try container.encode(value)
            }
        }
    }
}
