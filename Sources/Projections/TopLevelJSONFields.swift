import Foundation

/// The top-level fields of a JSON object, found in one pass without decoding anything: each key's
/// raw bytes and the byte range of its value's JSON text. What `:p_<field>` binds.
///
/// Lenient only where `json_extract` would fail anyway: text that is not an object, or that ends
/// early, leaves `isObject` false (the caller then hands SQLite the whole text to report).
struct TopLevelJSONFields: Sendable {
    private var keys: [Range<Int>] = []
    private var values: [Range<Int>] = []
    /// Whether the last scanned text was a well-formed top-level object (as far as its outline).
    private(set) var isObject = false

    /// Indexes the top-level fields of `bytes`.
    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>) {
        keys.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        isObject = false
        var i = skipSpace(bytes, 0)
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return }
        i = skipSpace(bytes, i + 1)
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            isObject = skipSpace(bytes, i + 1) == bytes.count
            return
        }
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "\""), let keyEnd = endOfString(bytes, i) else { return }
            let key = (i + 1)..<(keyEnd - 1)
            i = skipSpace(bytes, keyEnd)
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return }
            i = skipSpace(bytes, i + 1)
            guard let valueEnd = endOfValue(bytes, i) else { return }
            keys.append(key)
            values.append(i..<valueEnd)
            i = skipSpace(bytes, valueEnd)
            guard i < bytes.count else { return }
            if bytes[i] == UInt8(ascii: "}") {
                isObject = skipSpace(bytes, i + 1) == bytes.count
                return
            }
            guard bytes[i] == UInt8(ascii: ",") else { return }
            i = skipSpace(bytes, i + 1)
        }
    }

    /// The range of the value of the first field named `name` (compared byte for byte with the
    /// key as written), `nil` when there is none.
    func value(of name: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard let payload = bytes.baseAddress else { return nil }
        // No closure here: one capturing `self` copied it, retaining both arrays, which the ten
        // builds of a rebuild share, at every parameter of every statement they apply.
        for index in keys.indices where keys[index].count == name.count {
            // memcmp, not a loop of checked byte reads.
            if name.isEmpty || memcmp(payload + keys[index].lowerBound, name.baseAddress!, name.count) == 0 {
                return values[index]
            }
        }
        return nil
    }

    private func skipSpace(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var i = start
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        return i
    }

    /// The index after the string starting with the quote at `start`.
    private func endOfString(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int? {
        var i = start + 1
        while i < bytes.count {
            i = JSONStringScan.nextSpecial(bytes, from: i, to: bytes.count, controls: false)
            guard i < bytes.count else { break }
            switch bytes[i] {
            case UInt8(ascii: "\\"): i += 2
            case UInt8(ascii: "\""): return i + 1
            default: i += 1
            }
        }
        return nil
    }

    /// The index after the value starting at `start` (nested values skipped by depth, strings whole).
    private func endOfValue(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return endOfString(bytes, start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var i = start
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\""):
                    guard let end = endOfString(bytes, i) else { return nil }
                    i = end
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default:
                    break
                }
                i += 1
            }
            return nil
        default:
            // A number, true, false or null: up to the next delimiter.
            var i = start
            while i < bytes.count, bytes[i] != UInt8(ascii: ","), bytes[i] != UInt8(ascii: "}"), bytes[i] != UInt8(ascii: "]"),
                  bytes[i] != 0x20, bytes[i] != 0x0A, bytes[i] != 0x0D, bytes[i] != 0x09 { i += 1 }
            return i > start ? i : nil
        }
    }
}
