internal import COpenSSL

/// The scrypt key-derivation function (RFC 7914) over libcrypto's `EVP_KDF` "SCRYPT".
///
/// Memory use is about `128 · r · (N + p + 2)` bytes (32 MiB for N = 2¹⁵, r = 8, p = 1); the
/// derivation sets libcrypto's memory limit to exactly what the parameters need.
public enum Scrypt {
    /// Derives `length` bytes from `password` and `salt`.
    ///
    /// - Parameters:
    ///   - n: the CPU/memory cost, a power of two greater than 1.
    ///   - r: the block size.
    ///   - p: the parallelisation factor.
    public static func derive(
        password: some ContiguousBytesSequence,
        salt: some ContiguousBytesSequence,
        n: UInt64,
        r: UInt32,
        p: UInt32,
        length: Int
    ) throws(Error) -> [UInt8] {
        guard n > 1, n & (n - 1) == 0 else { throw .invalidParameters("N must be a power of two greater than 1, got \(n)") }
        guard r > 0, p > 0 else { throw .invalidParameters("r and p must be positive, got r=\(r) p=\(p)") }
        guard length > 0 else { throw .invalidParameters("the output length must be positive, got \(length)") }
        let (blocks, overflow) = (UInt64(128) * UInt64(r)).multipliedReportingOverflow(by: n + UInt64(p) + 2)
        guard !overflow else { throw .invalidParameters("N=\(n) r=\(r) p=\(p) need more memory than can be addressed") }

        guard let context = EVP_KDF_CTX_new(scryptAlgorithm) else { throw .libcrypto("could not allocate a KDF context") }
        defer { EVP_KDF_CTX_free(context) }
        let parameters = OSSLParameters()
        password.withUnsafeBytes { parameters.octetString(OSSL_KDF_PARAM_PASSWORD, $0) }
        salt.withUnsafeBytes { parameters.octetString(OSSL_KDF_PARAM_SALT, $0) }
        parameters.uint64(OSSL_KDF_PARAM_SCRYPT_N, n)
        parameters.uint32(OSSL_KDF_PARAM_SCRYPT_R, r)
        parameters.uint32(OSSL_KDF_PARAM_SCRYPT_P, p)
        parameters.uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, blocks)

        var key = [UInt8](repeating: 0, count: length)
        let ok = key.withUnsafeMutableBufferPointer { key in
            parameters.withUnsafeParameters { EVP_KDF_derive(context, key.baseAddress, key.count, $0) }
        }
        guard ok == 1 else { throw .libcrypto("EVP_KDF_derive failed: \(Libcrypto.drainErrors())") }
        return key
    }
}

/// The KDF object, fetched once. `nonisolated(unsafe)` is sound: written once at load, then only
/// read; `EVP_KDF` objects are immutable and reference-counted, safe to share between threads.
nonisolated(unsafe) private let scryptAlgorithm: OpaquePointer = {
    guard let kdf = EVP_KDF_fetch(nil, "SCRYPT", nil) else { fatalError("libcrypto has no SCRYPT") }
    return kdf
}()
