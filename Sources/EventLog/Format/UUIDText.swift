public import Foundation

/// The 36-character text form of ids (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`), written and read
/// without Foundation's formatter, which goes through `snprintf`/`sscanf`: projections format an
/// event id per event and the revealer parses a subject per personal field.
public enum UUIDText {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `uuid.uuidString.lowercased()`.
    public static func lowercase(_ uuid: UUID) -> String {
        withUnsafeBytes(of: uuid.uuid) { raw in
            String(unsafeUninitializedCapacity: 36) { out in
                var o = 0
                for (index, byte) in raw.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[o] = UInt8(ascii: "-")
                        o += 1
                    }
                    out[o] = hexDigits[Int(byte >> 4)]
                    out[o + 1] = hexDigits[Int(byte & 0x0F)]
                    o += 2
                }
                return o
            }
        }
    }

    /// The id written in `text` in either case, as `UUID(uuidString:)` reads it; `nil` otherwise.
    public static func parse(_ text: [UInt8]) -> UUID? {
        parse(text[...])
    }

    /// The id written in `text` in either case, as `UUID(uuidString:)` reads it; `nil` otherwise.
    /// (Not generic: an unspecialised generic walk across modules cost more than the parse.)
    public static func parse(_ text: ArraySlice<UInt8>) -> UUID? {
        guard text.count == 36 else { return nil }
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let valid = withUnsafeMutableBytes(of: &uuid) { bytes -> Bool in // no array to allocate
            var high: UInt8? = nil
            var count = 0
            for offset in 0..<36 {
                let char = text[text.startIndex + offset]
                if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                    guard char == UInt8(ascii: "-") else { return false }
                    continue
                }
                let nibble: UInt8
                switch char {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = char - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = char - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = char - UInt8(ascii: "A") + 10
                default: return false
                }
                if let first = high {
                    bytes[count] = first << 4 | nibble
                    count += 1
                    high = nil
                } else {
                    high = nibble
                }
            }
            return true
        }
        return valid ? UUID(uuid: uuid) : nil
    }
}
