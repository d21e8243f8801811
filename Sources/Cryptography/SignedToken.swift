#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A JWS in compact serialisation signed with a public-key algorithm (RS256, ES256): an OpenID
/// Connect id token. Parsing trusts nothing; `verifiedPayload(keys:)` checks the signature with a
/// key the caller picks by the header's `kid` and `alg`.
public struct SignedToken: Sendable {
    /// The header's `alg`, one of the algorithms `SignatureKey` verifies (anything else is refused at parsing,
    /// `none` and HS256 among them: a provider's public key must never be used as an HMAC secret).
    public let algorithm: SignatureKey.Algorithm
    /// The header's `kid`, when present.
    public let keyID: String?
    private let signingInput: [UInt8]
    private let signature: [UInt8]
    private let payload: [UInt8]

    /// Why a token was refused.
    public enum Error: Swift.Error, Sendable, Equatable, CustomStringConvertible {
        /// Not three base64url parts with a JSON header.
        case malformed(String)
        /// `alg` is not RS256 or ES256.
        case unsupportedAlgorithm(String)
        /// No key verified the signature.
        case invalidSignature

        public var description: String {
            switch self {
            case .malformed(let detail): "the token is malformed: \(detail)"
            case .unsupportedAlgorithm(let algorithm): "the token's algorithm \(algorithm) is not accepted (RS256 or ES256)"
            case .invalidSignature: "the token's signature does not verify with the issuer's keys"
            }
        }
    }

    /// Parses `token` (at most `JWT.maximumTokenLength` bytes).
    public init(_ token: String) throws(Error) {
        guard token.utf8.count <= JWT.maximumTokenLength else { throw .malformed("longer than \(JWT.maximumTokenLength) bytes") }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("a JWS compact token has three parts, this one has \(parts.count)") }
        guard let headerBytes = Base64URL.decode(parts[0]),
              case .object(let header)? = try? JSONDecoder().decode(JSONValue.self, from: Data(headerBytes))
        else { throw .malformed("the header is not a base64url JSON object") }
        guard case .string(let name)? = header["alg"] else { throw .malformed("the header has no alg") }
        guard let algorithm = SignatureKey.Algorithm(rawValue: name) else { throw .unsupportedAlgorithm(name) }
        if header["crit"] != nil { throw .malformed("a crit header is not supported") }
        guard let payload = Base64URL.decode(parts[1]), let signature = Base64URL.decode(parts[2]) else {
            throw .malformed("the payload or signature is not base64url")
        }
        self.algorithm = algorithm
        if case .string(let kid)? = header["kid"] { keyID = kid } else { keyID = nil }
        self.signingInput = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        self.signature = signature
        self.payload = payload
    }

    /// The payload (the JSON claims) once one of `keys` of the token's algorithm verifies the signature.
    public func verifiedPayload(keys: [SignatureKey]) throws(Error) -> [UInt8] {
        for key in keys where key.algorithm == algorithm {
            if key.isValidSignature(signature, for: signingInput) { return payload }
        }
        throw .invalidSignature
    }
}
