/// A strict base64 codec (RFC 4648 §4 and §5) shared by `Base64` and `Base64URL`.
///
/// Decoding is canonical: characters outside the alphabet, misplaced or missing padding (when
/// padding is expected), padding when none is expected, and non-zero leftover bits are all refused,
/// so one byte string has exactly one accepted encoding.
struct Base64Codec: Sendable {
    private let alphabet: [UInt8]
    private let values: [UInt8]
    private let padded: Bool

    init(alphabet: String, padded: Bool) {
        self.alphabet = Array(alphabet.utf8)
        precondition(self.alphabet.count == 64)
        var values = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in self.alphabet.enumerated() { values[Int(character)] = UInt8(index) }
        self.values = values
        self.padded = padded
    }

    static let standard = Base64Codec(
        alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", padded: true)
    static let url = Base64Codec(
        alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", padded: false)

    func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out.append(alphabet[Int(chunk >> 18 & 63)])
            out.append(alphabet[Int(chunk >> 12 & 63)])
            out.append(alphabet[Int(chunk >> 6 & 63)])
            out.append(alphabet[Int(chunk & 63)])
            index += 3
        }
        switch bytes.count - index {
        case 1:
            let chunk = UInt32(bytes[index]) << 16
            out.append(alphabet[Int(chunk >> 18 & 63)])
            out.append(alphabet[Int(chunk >> 12 & 63)])
            if padded { out.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "=")]) }
        case 2:
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            out.append(alphabet[Int(chunk >> 18 & 63)])
            out.append(alphabet[Int(chunk >> 12 & 63)])
            out.append(alphabet[Int(chunk >> 6 & 63)])
            if padded { out.append(UInt8(ascii: "=")) }
        default:
            break
        }
        return String(decoding: out, as: UTF8.self)
    }

    func decode(_ string: some StringProtocol) -> [UInt8]? {
        Array(string.utf8).withUnsafeBufferPointer { decode(utf8: $0) }
    }

    /// Decodes the base64 text `characters` (UTF-8 bytes), or `nil` when it is not canonical.
    func decode(utf8 characters: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var count = characters.count
        if padded {
            guard count % 4 == 0 else { return nil }
            var padding = 0
            while padding < 2, count > 0, characters[count - 1] == UInt8(ascii: "=") {
                count -= 1
                padding += 1
            }
        }
        guard count % 4 != 1 else { return nil }
        guard count > 0, let input = characters.baseAddress else { return [] }
        // Four characters make three bytes; a last group of two or three makes one or two.
        let groups = count / 4
        let rest = count % 4
        let outputCount = groups * 3 + max(rest - 1, 0)
        var valid = true
        let output = values.withUnsafeBufferPointer { table in
            [UInt8](unsafeUninitializedCapacity: outputCount) { output, initialized in
                var at = 0
                var to = 0
                // Table look-ups without bounds checks (a byte indexes 256 entries); 0xFF, outside
                // the alphabet, is the only entry with its top bit set.
                func value(_ offset: Int) -> UInt32 { UInt32(table[Int(input[at + offset])]) }
                for _ in 0..<groups {
                    let (a, b, c, d) = (value(0), value(1), value(2), value(3))
                    guard (a | b | c | d) & 0x80 == 0 else { valid = false; return }
                    let chunk = a << 18 | b << 12 | c << 6 | d
                    output[to] = UInt8(truncatingIfNeeded: chunk >> 16)
                    output[to + 1] = UInt8(truncatingIfNeeded: chunk >> 8)
                    output[to + 2] = UInt8(truncatingIfNeeded: chunk)
                    at += 4
                    to += 3
                }
                if rest > 0 {
                    let (a, b, c) = (value(0), value(1), rest == 3 ? value(2) : 0)
                    // Leftover bits must be zero, or two encodings would decode to the same bytes.
                    guard (a | b | c) & 0x80 == 0, (rest == 2 ? b & 0x0F : c & 0x03) == 0 else { valid = false; return }
                    let chunk = a << 18 | b << 12 | c << 6
                    output[to] = UInt8(truncatingIfNeeded: chunk >> 16)
                    if rest == 3 { output[to + 1] = UInt8(truncatingIfNeeded: chunk >> 8) }
                }
                initialized = outputCount
            }
        }
        return valid ? output : nil
    }
}
