/// Image files built byte by byte for the avatar tests, checksummed here rather than by the code
/// under test.
public enum TestImages {
    /// The eight bytes every PNG starts with.
    public static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A real `width`×`height` 8-bit greyscale PNG that any decoder reads: IHDR, one IDAT holding a
    /// zlib stream with one stored (uncompressed) deflate block of filter-0 rows, IEND.
    public static func png(width: Int = 2, height: Int = 2) -> [UInt8] {
        let rows = (0..<height).flatMap { _ in [0] + [UInt8](repeating: 0x80, count: width) }
        let length = UInt16(rows.count)
        let zlib = [0x78, 0x01, 0x01, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
            + rows + bigEndian(adler32(rows))
        let header = bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 0, 0, 0, 0]
        return pngSignature + pngChunk("IHDR", header) + pngChunk("IDAT", zlib) + pngChunk("IEND", [])
    }

    /// A PNG chunk: length, type, data, CRC-32 of type and data.
    public static func pngChunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        bigEndian(UInt32(data.count)) + Array(type.utf8) + data + bigEndian(crc32(Array(type.utf8) + data))
    }

    /// `value` as four big-endian bytes.
    public static func bigEndian(_ value: UInt32) -> [UInt8] {
        [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
    }

    /// CRC-32 as ISO 3309 defines it, bit by bit.
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc = ~UInt32(0)
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 0 ? 0 : 0xEDB8_8320) }
        }
        return ~crc
    }

    /// Adler-32 (RFC 1950), the zlib stream's trailer.
    public static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }
}
