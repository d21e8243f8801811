internal import COpenSSL

/// SHA-256 (FIPS 180-4) over libcrypto's EVP interface.
///
/// A context is reusable: `reset()` starts a new digest without reallocating, which matters on the
/// log's append path where every batch is hashed.
public final class SHA256 {
    /// The size of a digest in bytes.
    public static let byteCount = 32

    private let context: OpaquePointer

    /// Creates a context ready to absorb bytes.
    public init() {
        guard let context = EVP_MD_CTX_new() else { fatalError("libcrypto could not allocate a digest context") }
        self.context = context
        reset()
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Starts a new digest, forgetting everything absorbed so far.
    public func reset() {
        guard EVP_DigestInit_ex(context, sha256Algorithm, nil) == 1 else {
            fatalError("libcrypto refused to initialise SHA-256")
        }
    }

    /// Absorbs `bytes`.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        guard EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) == 1 else {
            fatalError("libcrypto refused a SHA-256 update")
        }
    }

    /// Absorbs `bytes`.
    public func update(_ bytes: some ContiguousBytesSequence) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Finishes the digest and resets the context for the next one.
    public func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Self.byteCount)
        var length: UInt32 = 0
        let ok = out.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        guard ok == 1, length == 32 else { fatalError("libcrypto failed to finish SHA-256") }
        reset()
        return out
    }

    /// The digest of `bytes` in one call.
    public static func hash(_ bytes: some ContiguousBytesSequence) -> [UInt8] {
        let hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }
}

/// Byte containers whose storage can be lent as one contiguous buffer.
public protocol ContiguousBytesSequence {
    /// Calls `body` with the bytes.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension Array: ContiguousBytesSequence where Element == UInt8 {}
extension ArraySlice: ContiguousBytesSequence where Element == UInt8 {}
extension UnsafeRawBufferPointer: ContiguousBytesSequence {
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try body(self) }
}

/// The algorithm object, fetched once: an implicit fetch on every `EVP_DigestInit_ex` costs a lookup.
/// `nonisolated(unsafe)` is sound here because the pointer is written once at load and only read.
nonisolated(unsafe) private let sha256Algorithm: OpaquePointer = {
    guard let md = EVP_MD_fetch(nil, "SHA256", nil) else { fatalError("libcrypto has no SHA256") }
    return md
}()
