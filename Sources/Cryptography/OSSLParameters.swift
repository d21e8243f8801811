internal import COpenSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An `OSSL_PARAM` array whose keys and values live exactly as long as the builder.
///
/// `OSSL_PARAM_construct_*` only records pointers, so every key and buffer is copied into memory
/// owned here (a Swift `String` passed to C is valid only for the duration of that one call).
/// Secret buffers are wiped before they are freed.
final class OSSLParameters {
    private var allocations: [(pointer: UnsafeMutableRawPointer, byteCount: Int)] = []
    private var parameters: [OSSL_PARAM] = []

    init() {}

    deinit {
        for allocation in allocations {
            OPENSSL_cleanse(allocation.pointer, allocation.byteCount)
            free(allocation.pointer)
        }
    }

    /// Copies `bytes` (plus a trailing NUL for strings) into owned memory.
    private func own(_ bytes: UnsafeRawBufferPointer, extraZero: Bool = false) -> UnsafeMutableRawPointer {
        let size = bytes.count + (extraZero ? 1 : 0)
        guard let pointer = malloc(max(size, 1)) else { fatalError("out of memory building OpenSSL parameters") }
        if let base = bytes.baseAddress, bytes.count > 0 { pointer.copyMemory(from: base, byteCount: bytes.count) }
        if extraZero { pointer.storeBytes(of: 0, toByteOffset: bytes.count, as: UInt8.self) }
        allocations.append((pointer, max(size, 1)))
        return pointer
    }

    private func ownString(_ string: String) -> UnsafeMutablePointer<CChar> {
        var utf8 = Array(string.utf8)
        let pointer = utf8.withUnsafeBytes { own($0, extraZero: true) }
        utf8.removeAll()
        return pointer.assumingMemoryBound(to: CChar.self)
    }

    /// Adds a UTF-8 string parameter.
    func utf8String(_ key: String, _ value: String) {
        let valuePointer = ownString(value)
        parameters.append(OSSL_PARAM_construct_utf8_string(ownString(key), valuePointer, 0))
    }

    /// Adds an octet-string parameter (a copy of `bytes`, wiped on release).
    func octetString(_ key: String, _ bytes: UnsafeRawBufferPointer) {
        let pointer = own(bytes)
        parameters.append(OSSL_PARAM_construct_octet_string(ownString(key), pointer, bytes.count))
    }

    /// Adds an unsigned 64-bit integer parameter.
    func uint64(_ key: String, _ value: UInt64) {
        let pointer = withUnsafeBytes(of: value) { own($0) }
        parameters.append(OSSL_PARAM_construct_uint64(ownString(key), pointer.assumingMemoryBound(to: UInt64.self)))
    }

    /// Adds an unsigned 32-bit integer parameter.
    func uint32(_ key: String, _ value: UInt32) {
        let pointer = withUnsafeBytes(of: value) { own($0) }
        parameters.append(OSSL_PARAM_construct_uint32(ownString(key), pointer.assumingMemoryBound(to: UInt32.self)))
    }

    /// Calls `body` with the terminated array.
    func withUnsafeParameters<R>(_ body: (UnsafePointer<OSSL_PARAM>) throws -> R) rethrows -> R {
        var terminated = parameters
        terminated.append(OSSL_PARAM_construct_end())
        return try terminated.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }
}
