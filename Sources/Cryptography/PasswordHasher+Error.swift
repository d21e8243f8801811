extension PasswordHasher {
    /// Why hashing or verifying failed (a wrong password is not an error: `verify` returns `false`).
    public struct Error: Swift.Error, Equatable, CustomStringConvertible {
        private enum Reason: Equatable {
            case malformedHash(String)
            case derivationFailed(String)
        }

        private let reason: Reason
        private init(_ reason: Reason) { self.reason = reason }

        /// The stored string is not a `$scrypt$…` hash this type can read.
        static func malformedHash(_ detail: String) -> Self { .init(.malformedHash(detail)) }
        /// scrypt itself failed (detail in the message).
        static func derivationFailed(_ detail: String) -> Self { .init(.derivationFailed(detail)) }

        /// Whether the stored hash could not be read.
        public var isMalformedHash: Bool {
            if case .malformedHash = reason { return true }
            return false
        }

        public var description: String {
            switch reason {
            case .malformedHash(let detail): "the stored password hash is malformed: \(detail)"
            case .derivationFailed(let detail): "password hashing failed: \(detail)"
            }
        }
    }
}
