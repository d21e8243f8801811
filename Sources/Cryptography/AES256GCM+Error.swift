extension AES256GCM {
    /// Why a seal or open failed.
    public struct Error: Swift.Error, Equatable, CustomStringConvertible {
        private enum Reason: Equatable {
            case invalidKeySize(Int)
            case invalidNonceSize(Int)
            case boxTooShort(Int)
            case authenticationFailed
            case libcrypto(String)
        }

        private let reason: Reason
        private init(_ reason: Reason) { self.reason = reason }

        /// The key is not 32 bytes.
        public static func invalidKeySize(_ count: Int) -> Self { .init(.invalidKeySize(count)) }
        /// The nonce is not 12 bytes.
        public static func invalidNonceSize(_ count: Int) -> Self { .init(.invalidNonceSize(count)) }
        /// The box is shorter than a nonce and a tag.
        public static func boxTooShort(_ count: Int) -> Self { .init(.boxTooShort(count)) }
        /// The tag does not match: the box, the additional data or the key differ from the sealing ones.
        public static var authenticationFailed: Self { .init(.authenticationFailed) }
        /// libcrypto failed for another reason (detail in the message).
        static func libcrypto(_ detail: String) -> Self { .init(.libcrypto(detail)) }

        public var description: String {
            switch reason {
            case .invalidKeySize(let count):
                "AES-256-GCM needs a 32-byte key, got \(count) bytes"
            case .invalidNonceSize(let count):
                "AES-256-GCM needs a 12-byte nonce, got \(count) bytes"
            case .boxTooShort(let count):
                "a sealed box holds at least a 12-byte nonce and a 16-byte tag (28 bytes), got \(count) bytes"
            case .authenticationFailed:
                "authentication failed: the data was altered, or the key or additional data differ from the ones used to seal it"
            case .libcrypto(let detail):
                "libcrypto failed in AES-256-GCM: \(detail)"
            }
        }
    }
}
