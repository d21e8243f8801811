extension JWT {
    /// Why a token was refused (or could not be made), naming what is wrong.
    public struct Error: Swift.Error, Equatable, CustomStringConvertible {
        private enum Reason: Equatable {
            case weakKey(Int)
            case reservedClaim(String)
            case malformed(String)
            case missingAlgorithm
            case unsupportedAlgorithm(String)
            case unsupportedCriticalHeader
            case invalidSignature
            case missingClaim(String)
            case invalidClaim(String, String)
            case expired(Int64)
            case notYetValid(Int64)
        }

        private let reason: Reason
        private init(_ reason: Reason) { self.reason = reason }

        /// Whether the token was refused only because it expired (a client should refresh it).
        public var isExpiry: Bool {
            if case .expired = reason { return true }
            return false
        }

        /// The key is shorter than 32 bytes.
        public static func weakKey(_ count: Int) -> Self { .init(.weakKey(count)) }
        /// `extra` uses a claim name that a `JWTClaims` field owns.
        public static func reservedClaim(_ name: String) -> Self { .init(.reservedClaim(name)) }
        /// The token is not well-formed (what is wrong is in the detail).
        public static func malformed(_ detail: String) -> Self { .init(.malformed(detail)) }
        /// The header has no `alg`.
        public static var missingAlgorithm: Self { .init(.missingAlgorithm) }
        /// The header's `alg` is not `HS256` (for example `none` or `HS512`).
        public static func unsupportedAlgorithm(_ algorithm: String) -> Self { .init(.unsupportedAlgorithm(algorithm)) }
        /// The header has a `crit` parameter; no extension is supported (RFC 7515 §4.1.11).
        public static var unsupportedCriticalHeader: Self { .init(.unsupportedCriticalHeader) }
        /// The signature does not match: the token was altered or signed with another key.
        public static var invalidSignature: Self { .init(.invalidSignature) }
        /// A required claim is absent.
        public static func missingClaim(_ name: String) -> Self { .init(.missingClaim(name)) }
        /// A claim has the wrong type.
        public static func invalidClaim(_ name: String, _ detail: String) -> Self { .init(.invalidClaim(name, detail)) }
        /// The token expired at the given time.
        public static func expired(at time: Int64) -> Self { .init(.expired(time)) }
        /// The token is not valid before the given time.
        public static func notYetValid(until time: Int64) -> Self { .init(.notYetValid(time)) }

        public var description: String {
            switch reason {
            case .weakKey(let count): "an HS256 key needs at least 32 bytes, got \(count)"
            case .reservedClaim(let name): "the extra claim '\(name)' is reserved: set the matching JWTClaims field instead"
            case .malformed(let detail): "malformed token: \(detail)"
            case .missingAlgorithm: "the token header has no 'alg'; only HS256 is accepted"
            case .unsupportedAlgorithm(let algorithm): "the token header's alg is '\(algorithm)'; only HS256 is accepted"
            case .unsupportedCriticalHeader: "the token header has a 'crit' parameter, which is not supported"
            case .invalidSignature: "the token's signature does not match: altered, or signed with another key"
            case .missingClaim(let name): "the token has no '\(name)' claim"
            case .invalidClaim(let name, let detail): "the token's '\(name)' claim \(detail)"
            case .expired(let time): "the token expired at \(time)"
            case .notYetValid(let time): "the token is not valid before \(time)"
            }
        }
    }
}
