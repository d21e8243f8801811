internal import COpenSSL

/// HMAC (RFC 2104) over libcrypto's `EVP_MAC`, one-shot.
///
/// SHA-256 is the default and the only choice for new uses; SHA-1 exists because TOTP (RFC 6238)
/// authenticator apps expect it.
public enum HMAC {
    /// The hash function under the MAC.
    public enum Algorithm: Sendable, Equatable {
        /// HMAC-SHA-256 (32-byte codes).
        case sha256
        /// HMAC-SHA-1 (20-byte codes), for TOTP/HOTP only.
        case sha1

        /// The size of a code in bytes.
        public var byteCount: Int {
            switch self {
            case .sha256: 32
            case .sha1: 20
            }
        }

        var digestName: String {
            switch self {
            case .sha256: "SHA256"
            case .sha1: "SHA1"
            }
        }
    }

    /// The authentication code of `message` under `key`.
    public static func authenticationCode(
        for message: some ContiguousBytesSequence,
        key: some ContiguousBytesSequence,
        algorithm: Algorithm = .sha256
    ) -> [UInt8] {
        guard let context = EVP_MAC_CTX_new(hmacAlgorithm) else {
            fatalError("libcrypto could not allocate an HMAC context")
        }
        defer { EVP_MAC_CTX_free(context) }
        let parameters = OSSLParameters()
        parameters.utf8String(OSSL_MAC_PARAM_DIGEST, algorithm.digestName)
        let initialised = key.withUnsafeBytes { key in
            Libcrypto.withNonNullBytes(key) { pointer, count in
                parameters.withUnsafeParameters { EVP_MAC_init(context, pointer, count, $0) }
            }
        }
        guard initialised == 1 else { fatalError("libcrypto refused to start HMAC: \(Libcrypto.drainErrors())") }
        let updated = message.withUnsafeBytes { message in
            message.count == 0 ? 1 : EVP_MAC_update(context, message.baseAddress, message.count)
        }
        guard updated == 1 else { fatalError("libcrypto refused an HMAC update: \(Libcrypto.drainErrors())") }
        var code = [UInt8](repeating: 0, count: algorithm.byteCount)
        var length = 0
        let finished = code.withUnsafeMutableBufferPointer { EVP_MAC_final(context, $0.baseAddress, &length, $0.count) }
        guard finished == 1, length == algorithm.byteCount else {
            fatalError("libcrypto failed to finish HMAC: \(Libcrypto.drainErrors())")
        }
        return code
    }

    /// Whether `code` is the authentication code of `message` under `key`, compared in constant time.
    public static func isValidAuthenticationCode(
        _ code: some ContiguousBytesSequence,
        for message: some ContiguousBytesSequence,
        key: some ContiguousBytesSequence,
        algorithm: Algorithm = .sha256
    ) -> Bool {
        ConstantTime.equals(authenticationCode(for: message, key: key, algorithm: algorithm), code)
    }
}

/// The HMAC algorithm object, fetched once (an implicit fetch per call costs a lookup).
/// `nonisolated(unsafe)` is sound: written once at load, then only read; `EVP_MAC` is immutable and
/// reference-counted, documented as safe to share between threads.
nonisolated(unsafe) private let hmacAlgorithm: OpaquePointer = {
    guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else { fatalError("libcrypto has no HMAC") }
    return mac
}()
