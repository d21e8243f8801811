/// HMAC-based one-time passwords (RFC 4226), the building block of `TOTP`.
public enum HOTP {
    /// The code for `counter`: HMAC-SHA-1 of the big-endian counter, dynamically truncated to
    /// 31 bits, reduced to `digits` decimal digits (zero-padded).
    public static func code(secret: [UInt8], counter: UInt64, digits: Int = 6) -> String {
        precondition((6...10).contains(digits), "HOTP codes have 6 to 10 digits (RFC 4226 §5.3), got \(digits)")
        let message = withUnsafeBytes(of: counter.bigEndian) { Array($0) }
        let mac = HMAC.authenticationCode(for: message, key: secret, algorithm: .sha1)
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary = UInt64(mac[offset] & 0x7f) << 24 | UInt64(mac[offset + 1]) << 16
            | UInt64(mac[offset + 2]) << 8 | UInt64(mac[offset + 3])
        var modulus: UInt64 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }
}
