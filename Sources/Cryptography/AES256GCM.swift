internal import COpenSSL

/// AES-256 in Galois/Counter Mode (NIST SP 800-38D) over libcrypto's `EVP_CIPHER`.
///
/// A sealed box is `nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)`. `seal` draws a fresh random
/// nonce for every call unless one is given (tests with published vectors); with random 96-bit
/// nonces a key must not seal more than about 2³² messages.
public enum AES256GCM {
    /// The key size in bytes.
    public static let keyByteCount = 32
    /// The nonce size in bytes.
    public static let nonceByteCount = 12
    /// The authentication tag size in bytes.
    public static let tagByteCount = 16

    /// Encrypts and authenticates `plaintext` (and authenticates `additionalData` without
    /// encrypting it), returning `nonce ‖ ciphertext ‖ tag`.
    ///
    /// - Parameter nonce: leave `nil` for a random nonce; a fixed nonce must never be reused with
    ///   the same key.
    public static func seal(
        _ plaintext: some ContiguousBytesSequence,
        key: some ContiguousBytesSequence,
        nonce: [UInt8]? = nil,
        authenticating additionalData: some ContiguousBytesSequence = [UInt8]()
    ) throws(Error) -> [UInt8] {
        let nonce = nonce ?? SecureRandom.bytes(count: nonceByteCount)
        guard nonce.count == nonceByteCount else { throw .invalidNonceSize(nonce.count) }
        try checkKey(key)
        guard let context = EVP_CIPHER_CTX_new() else { throw .libcrypto("could not allocate a cipher context") }
        defer { EVP_CIPHER_CTX_free(context) }

        let plaintextCount = plaintext.withUnsafeBytes { $0.count }
        var box = [UInt8](repeating: 0, count: nonceByteCount + plaintextCount + tagByteCount)
        let failure: String? = box.withUnsafeMutableBufferPointer { box in
            let out = box.baseAddress!
            out.update(from: nonce, count: nonceByteCount)
            let initialised = key.withUnsafeBytes { key in
                EVP_EncryptInit_ex2(context, aes256GCMAlgorithm, key.baseAddress, out, nil)
            }
            guard initialised == 1 else { return "EVP_EncryptInit_ex2 failed" }
            var length: Int32 = 0
            let aadOK = additionalData.withUnsafeBytes { aad in
                aad.count == 0 ? 1 : EVP_EncryptUpdate(context, nil, &length, aad.baseAddress, Int32(aad.count))
            }
            guard aadOK == 1 else { return "could not absorb the additional data" }
            let body = out + nonceByteCount
            let updated = plaintext.withUnsafeBytes { plaintext in
                plaintext.count == 0
                    ? 1 : EVP_EncryptUpdate(context, body, &length, plaintext.baseAddress, Int32(plaintext.count))
            }
            guard updated == 1 else { return "EVP_EncryptUpdate failed" }
            var finalLength: Int32 = 0
            guard EVP_EncryptFinal_ex(context, body + plaintextCount, &finalLength) == 1, finalLength == 0 else {
                return "EVP_EncryptFinal_ex failed"
            }
            let tag = body + plaintextCount
            guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_GET_TAG, Int32(tagByteCount), tag) == 1 else {
                return "could not read the tag"
            }
            return nil
        }
        if let failure { throw .libcrypto("\(failure): \(Libcrypto.drainErrors())") }
        return box
    }

    /// Checks and decrypts a box made by `seal`, with the same key and additional data.
    ///
    /// - Throws: `Error.authenticationFailed` when the box, the additional data or the key differ
    ///   from those used to seal; no plaintext is returned in that case.
    public static func open(
        _ box: some ContiguousBytesSequence,
        key: some ContiguousBytesSequence,
        authenticating additionalData: some ContiguousBytesSequence = [UInt8]()
    ) throws(Error) -> [UInt8] {
        try Opener(key: key).open(box, authenticating: additionalData)
    }

    /// Opens boxes sealed under one key through one cipher context, whose key schedule is set up
    /// once: what opening several fields of one person costs once per field otherwise.
    public final class Opener {
        private let context: OpaquePointer

        /// An opener for `key` (32 bytes).
        public init(key: some ContiguousBytesSequence) throws(Error) {
            try checkKey(key)
            guard let context = EVP_CIPHER_CTX_new() else { throw .libcrypto("could not allocate a cipher context") }
            let initialised = key.withUnsafeBytes { key in
                EVP_DecryptInit_ex2(context, aes256GCMAlgorithm, key.baseAddress, nil, nil)
            }
            guard initialised == 1 else {
                EVP_CIPHER_CTX_free(context)
                throw .libcrypto("EVP_DecryptInit_ex2 failed: \(Libcrypto.drainErrors())")
            }
            self.context = context
        }

        deinit { EVP_CIPHER_CTX_free(context) }

        /// Checks and decrypts `nonce ‖ ciphertext ‖ tag` as `AES256GCM.open` does.
        ///
        /// - Throws: `Error.authenticationFailed` when the box, the additional data or the key differ
        ///   from those used to seal; no plaintext is returned in that case.
        public func open(
            _ box: some ContiguousBytesSequence,
            authenticating additionalData: some ContiguousBytesSequence = [UInt8]()
        ) throws(Error) -> [UInt8] {
            let boxCount = box.withUnsafeBytes { $0.count }
            guard boxCount >= nonceByteCount + tagByteCount else { throw .boxTooShort(boxCount) }
            let ciphertextCount = boxCount - nonceByteCount - tagByteCount
            var plaintext = [UInt8](repeating: 0, count: ciphertextCount)
            let outcome: Error? = box.withUnsafeBytes { box in
                let nonce = box.baseAddress!.assumingMemoryBound(to: UInt8.self)
                let ciphertext = nonce + nonceByteCount
                var tag = Array(UnsafeBufferPointer(start: ciphertext + ciphertextCount, count: tagByteCount))
                // The nonce only: the key schedule stays from `init`.
                guard EVP_DecryptInit_ex2(context, nil, nil, nonce, nil) == 1 else { return .libcrypto("EVP_DecryptInit_ex2 failed") }
                var length: Int32 = 0
                let aadOK = additionalData.withUnsafeBytes { aad in
                    aad.count == 0 ? 1 : EVP_DecryptUpdate(context, nil, &length, aad.baseAddress, Int32(aad.count))
                }
                guard aadOK == 1 else { return .libcrypto("could not absorb the additional data") }
                let finished: Int32 = plaintext.withUnsafeMutableBufferPointer { out in
                    if ciphertextCount > 0 {
                        guard EVP_DecryptUpdate(context, out.baseAddress, &length, ciphertext, Int32(ciphertextCount)) == 1
                        else { return 0 }
                    }
                    guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_TAG, Int32(tagByteCount), &tag) == 1 else {
                        return 0
                    }
                    var finalLength: Int32 = 0
                    return EVP_DecryptFinal_ex(context, out.baseAddress.map { $0 + ciphertextCount }, &finalLength)
                }
                return finished == 1 ? nil : .authenticationFailed
            }
            if let outcome {
                plaintext.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
                _ = Libcrypto.drainErrors()
                throw outcome
            }
            return plaintext
        }
    }

    private static func checkKey(_ key: some ContiguousBytesSequence) throws(Error) {
        let count = key.withUnsafeBytes { $0.count }
        guard count == keyByteCount else { throw .invalidKeySize(count) }
    }
}

/// The cipher object, fetched once. `nonisolated(unsafe)` is sound: written once at load, then only
/// read; `EVP_CIPHER` objects are immutable and reference-counted, safe to share between threads.
nonisolated(unsafe) private let aes256GCMAlgorithm: OpaquePointer = {
    guard let cipher = EVP_CIPHER_fetch(nil, "AES-256-GCM", nil) else { fatalError("libcrypto has no AES-256-GCM") }
    return cipher
}()
