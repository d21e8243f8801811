public import Foundation
internal import COpenSSL

extension SecureRandom {
    /// A random (version 4) UUID from libcrypto's DRBG.
    ///
    /// Why not `UUID()`: on Linux, Foundation's `UUID()` opens, reads and closes `/dev/urandom` for
    /// every id — three system calls that dominated the log's append profile. The DRBG runs in
    /// user space and is just as unpredictable.
    public static func uuid() -> UUID {
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let ok = withUnsafeMutableBytes(of: &bytes) { RAND_bytes($0.baseAddress!.assumingMemoryBound(to: UInt8.self), 16) }
        guard ok == 1 else { fatalError("libcrypto's RAND_bytes failed: \(Libcrypto.drainErrors())") }
        bytes.6 = (bytes.6 & 0x0F) | 0x40 // version 4
        bytes.8 = (bytes.8 & 0x3F) | 0x80 // RFC 4122 variant
        return UUID(uuid: bytes)
    }
}
