internal import COpenSSL

/// Small helpers shared by the libcrypto wrappers.
enum Libcrypto {
    /// Drains libcrypto's per-thread error queue and returns its entries as one line, so a failure
    /// does not leave stale errors behind for the next caller on this thread.
    static func drainErrors() -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            buffer.withUnsafeMutableBufferPointer { ERR_error_string_n(code, $0.baseAddress, $0.count) }
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? "no detail from libcrypto" : messages.joined(separator: "; ")
    }

    /// Calls `body` with a pointer that is never null (libcrypto treats a null key as "no key"),
    /// and the byte count, which may be zero.
    static func withNonNullBytes<R>(
        _ bytes: UnsafeRawBufferPointer,
        _ body: (UnsafePointer<UInt8>, Int) throws -> R
    ) rethrows -> R {
        if let base = bytes.baseAddress, bytes.count > 0 {
            return try body(base.assumingMemoryBound(to: UInt8.self), bytes.count)
        }
        var zero: UInt8 = 0
        return try withUnsafePointer(to: &zero) { try body($0, 0) }
    }
}
