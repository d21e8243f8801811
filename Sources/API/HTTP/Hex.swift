import Foundation

/// Lowercase hexadecimal, as blob names and chain hashes travel in URLs.
enum Hex {
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// The bytes `text` spells, or `nil` unless it is an even count of lowercase hex digits.
    static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count.isMultiple(of: 2), utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
        let digits = utf8.map { $0 <= 57 ? $0 - 48 : $0 - 87 }
        return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }
}
