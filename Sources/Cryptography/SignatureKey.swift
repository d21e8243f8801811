internal import COpenSSL

/// A public key that checks JWS signatures (RFC 7518): RS256 (RSASSA-PKCS1-v1_5 with SHA-256) or
/// ES256 (ECDSA on P-256 with SHA-256), built from a JSON Web Key's numbers over libcrypto.
///
/// Used to check the id tokens of OpenID Connect providers against the keys they publish (JWKS).
public final class SignatureKey: @unchecked Sendable {
    // @unchecked: the EVP_PKEY is made once in `init` and only read afterwards; libcrypto allows
    // concurrent verifications with one key, each in its own EVP_MD_CTX.
    private let key: OpaquePointer

    /// The JWS algorithms this key type verifies.
    public enum Algorithm: String, Sendable, Equatable {
        /// RSASSA-PKCS1-v1_5 with SHA-256.
        case rs256 = "RS256"
        /// ECDSA P-256 with SHA-256; the signature is r ‖ s, 32 bytes each.
        case es256 = "ES256"
    }

    /// The algorithm the key verifies.
    public let algorithm: Algorithm

    /// Why a key could not be built.
    public struct Error: Swift.Error, Sendable, CustomStringConvertible {
        /// What was wrong.
        public var description: String
    }

    private init(key: OpaquePointer, algorithm: Algorithm) {
        self.key = key
        self.algorithm = algorithm
    }

    deinit { EVP_PKEY_free(key) }

    /// An RSA public key from its modulus and public exponent (big-endian bytes: a JWK's `n` and `e`).
    public static func rsa(modulus: [UInt8], exponent: [UInt8]) throws(Error) -> SignatureKey {
        guard modulus.count >= 256, modulus.count <= 1_024 else {
            throw Error(description: "an RSA modulus of \(modulus.count * 8) bits is refused (2048 to 8192)")
        }
        guard !exponent.isEmpty, exponent.count <= 8 else { throw Error(description: "the RSA exponent is not a small integer") }
        guard let builder = OSSL_PARAM_BLD_new() else { throw Error(description: "libcrypto could not allocate parameters") }
        defer { OSSL_PARAM_BLD_free(builder) }
        let n = modulus.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32($0.count), nil) }
        let e = exponent.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32($0.count), nil) }
        defer { BN_free(n); BN_free(e) }
        guard OSSL_PARAM_BLD_push_BN(builder, cString("n"), n) == 1, OSSL_PARAM_BLD_push_BN(builder, cString("e"), e) == 1 else {
            throw Error(description: "libcrypto refused the RSA numbers: \(Libcrypto.drainErrors())")
        }
        return SignatureKey(key: try fromData(builder, type: "RSA"), algorithm: .rs256)
    }

    /// A P-256 public key from its affine coordinates (32 big-endian bytes each: a JWK's `x` and `y`).
    public static func p256(x: [UInt8], y: [UInt8]) throws(Error) -> SignatureKey {
        guard x.count == 32, y.count == 32 else { throw Error(description: "P-256 coordinates are 32 bytes each") }
        guard let builder = OSSL_PARAM_BLD_new() else { throw Error(description: "libcrypto could not allocate parameters") }
        defer { OSSL_PARAM_BLD_free(builder) }
        let point = [0x04] + x + y  // an uncompressed point (SEC 1 §2.3.3)
        // The builder keeps the point's address until `fromData` turns it into parameters: both
        // happen inside this closure, while the bytes are pinned.
        let built = point.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Result<OpaquePointer, Error> in
            guard OSSL_PARAM_BLD_push_utf8_string(builder, cString("group"), cString("prime256v1"), 0) == 1,
                  OSSL_PARAM_BLD_push_octet_string(builder, cString("pub"), bytes.baseAddress, bytes.count) == 1
            else { return .failure(Error(description: "libcrypto refused the P-256 point: \(Libcrypto.drainErrors())")) }
            // EVP_PKEY_fromdata checks that the point is on the curve.
            do throws(Error) { return .success(try fromData(builder, type: "EC")) } catch { return .failure(error) }
        }
        return SignatureKey(key: try built.get(), algorithm: .es256)
    }

    /// A C string that lives as long as the program: OSSL_PARAM_BLD keeps the pointers it is given
    /// (names and string values) until it builds the parameters, which a Swift string bridged for
    /// one call would not outlive.
    private static func cString(_ text: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
    }

    private static func fromData(_ builder: OpaquePointer, type: String) throws(Error) -> OpaquePointer {
        guard let parameters = OSSL_PARAM_BLD_to_param(builder) else {
            throw Error(description: "libcrypto could not build the key parameters: \(Libcrypto.drainErrors())")
        }
        defer { OSSL_PARAM_free(parameters) }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, type, nil) else {
            throw Error(description: "libcrypto has no \(type) keys: \(Libcrypto.drainErrors())")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        // EVP_PKEY_PUBLIC_KEY: the public key and every parameter (the macro does not import into Swift).
        let publicKeySelection: Int32 = 0x02 | 0x04 | 0x80
        guard EVP_PKEY_fromdata_init(context) == 1, EVP_PKEY_fromdata(context, &key, publicKeySelection, parameters) == 1,
              let key
        else { throw Error(description: "libcrypto refused the \(type) key: \(Libcrypto.drainErrors())") }
        return key
    }

    /// Whether `signature` (as JWS carries it) signs `message` under this key.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        let encoded: [UInt8]
        switch algorithm {
        case .rs256: encoded = signature
        case .es256:
            guard signature.count == 64 else { return false }
            encoded = Self.derSignature(r: Array(signature[0..<32]), s: Array(signature[32..<64]))
        }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key) == 1 else {
            _ = Libcrypto.drainErrors()
            return false
        }
        let verified = encoded.withUnsafeBufferPointer { signatureBytes in
            message.withUnsafeBufferPointer { messageBytes in
                EVP_DigestVerify(context, signatureBytes.baseAddress, signatureBytes.count, messageBytes.baseAddress, messageBytes.count)
            }
        }
        if verified != 1 { _ = Libcrypto.drainErrors() }
        return verified == 1
    }

    /// JWS's r ‖ s as the DER `SEQUENCE { INTEGER r, INTEGER s }` libcrypto verifies (RFC 3279).
    static func derSignature(r: [UInt8], s: [UInt8]) -> [UInt8] {
        func integer(_ bytes: [UInt8]) -> [UInt8] {
            var value = Array(bytes.drop { $0 == 0 })
            if value.isEmpty { value = [0] }
            if value[0] & 0x80 != 0 { value.insert(0, at: 0) }  // positive
            return [0x02, UInt8(value.count)] + value
        }
        let body = integer(r) + integer(s)
        return [0x30, UInt8(body.count)] + body  // at most 2 × 35 bytes: short-form lengths
    }
}
