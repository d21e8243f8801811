extension Scrypt {
    /// Why a derivation failed.
    public struct Error: Swift.Error, Equatable, CustomStringConvertible {
        private enum Reason: Equatable {
            case invalidParameters(String)
            case libcrypto(String)
        }

        private let reason: Reason
        private init(_ reason: Reason) { self.reason = reason }

        /// N, r, p or the length are out of range (detail in the message).
        static func invalidParameters(_ detail: String) -> Self { .init(.invalidParameters(detail)) }
        /// libcrypto refused the derivation (detail in the message).
        static func libcrypto(_ detail: String) -> Self { .init(.libcrypto(detail)) }

        /// Whether the parameters were refused before reaching libcrypto.
        public var isInvalidParameters: Bool {
            if case .invalidParameters = reason { return true }
            return false
        }

        public var description: String {
            switch reason {
            case .invalidParameters(let detail): "invalid scrypt parameters: \(detail)"
            case .libcrypto(let detail): "libcrypto failed in scrypt: \(detail)"
            }
        }
    }
}
