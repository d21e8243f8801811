/// Base32 (RFC 4648 §6), the encoding of TOTP secrets in authenticator apps.
public enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// Encodes `bytes` in upper case, with `=` padding only when asked (otpauth URIs omit it).
    public static func encode(_ bytes: some ContiguousBytesSequence, padding: Bool = false) -> String {
        bytes.withUnsafeBytes { bytes in
            var out: [UInt8] = []
            out.reserveCapacity((bytes.count + 4) / 5 * 8)
            var buffer: UInt32 = 0
            var bits = 0
            for byte in bytes {
                buffer = buffer << 8 | UInt32(byte)
                bits += 8
                while bits >= 5 {
                    bits -= 5
                    out.append(alphabet[Int(buffer >> UInt32(bits) & 31)])
                }
                buffer &= (1 << UInt32(bits)) - 1
            }
            if bits > 0 { out.append(alphabet[Int(buffer << UInt32(5 - bits) & 31)]) }
            if padding { while out.count % 8 != 0 { out.append(UInt8(ascii: "=")) } }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Decodes base32 as people type it: any case, with or without padding, spaces and hyphens
    /// ignored. Returns `nil` for other characters, an impossible length or non-zero leftover bits.
    public static func decode(_ string: some StringProtocol) -> [UInt8]? {
        var characters = Array(string.utf8).filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "-") }
        while characters.last == UInt8(ascii: "=") { characters.removeLast() }
        guard ![1, 3, 6].contains(characters.count % 8) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(characters.count * 5 / 8)
        var buffer: UInt32 = 0
        var bits = 0
        for character in characters {
            let value: UInt8
            switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = character - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = character - UInt8(ascii: "a")
            case UInt8(ascii: "2")...UInt8(ascii: "7"): value = character - UInt8(ascii: "2") + 26
            default: return nil
            }
            buffer = buffer << 5 | UInt32(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        guard buffer == 0 else { return nil }
        return out
    }
}
