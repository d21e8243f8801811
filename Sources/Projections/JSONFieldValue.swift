/// The SQL value of one payload field's JSON text, as `json_extract(text, '$')` returns it in
/// SQLite 3.40, worked out in Swift: what `:p_<field>` binds.
///
/// A string is TEXT, unescaped (a `\u0000` ends it, a lone surrogate becomes its 3-byte form, as
/// SQLite does); an integer is INTEGER (REAL once it overflows 64 bits); any other number is REAL;
/// `true`/`false` are 1/0; `null` is NULL; an object or array is its JSON text without whitespace.
/// Text SQLite would call malformed is refused. Calling `json_extract` for each parameter of each
/// statement cost about half a microsecond apiece, 14 per event over the ten read models.
enum JSONFieldValue {
    case null
    case integer(Int64)
    case real(Double)
    /// The value is the bytes of `range` in the field's text, as they are.
    case slice(Range<Int>)
    /// The value is the bytes written to the scratch buffer (unescaped or minified).
    case rewritten

    /// Why a field's text is not JSON.
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// Decodes the JSON text `bytes[range]`; `scratch` receives the value when it is `.rewritten`.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, scratch: inout [UInt8]) throws(Malformed) -> JSONFieldValue {
        guard let first = range.first.map({ bytes[$0] }) else { throw Malformed(description: "malformed JSON: an empty value") }
        switch first {
        case quote:
            return try string(bytes, range, scratch: &scratch)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            scratch.removeAll(keepingCapacity: true)
            var reader = Reader(bytes: bytes, index: range.lowerBound, end: range.upperBound)
            try reader.value(into: &scratch, depth: 0)
            guard reader.index == range.upperBound else { throw Malformed(description: "malformed JSON: text after the value") }
            return scratch.count == range.count ? .slice(range) : .rewritten
        case UInt8(ascii: "t"): return try literal("true", bytes, range, .integer(1))
        case UInt8(ascii: "f"): return try literal("false", bytes, range, .integer(0))
        case UInt8(ascii: "n"): return try literal("null", bytes, range, .null)
        default:
            return try number(bytes, range)
        }
    }

    private static func literal(_ word: StaticString, _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>,
                                _ value: JSONFieldValue) throws(Malformed) -> JSONFieldValue {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard range.count == expected.count, zip(bytes[range], expected).allSatisfy({ $0 == $1 }) else {
            throw Malformed(description: "malformed JSON: not a value")
        }
        return value
    }

    /// A string: its bytes as they are when it has no escape, else unescaped into `scratch`.
    private static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, scratch: inout [UInt8]) throws(Malformed) -> JSONFieldValue {
        var reader = Reader(bytes: bytes, index: range.lowerBound, end: range.upperBound)
        let escaped = try reader.skipString()
        guard reader.index == range.upperBound else { throw Malformed(description: "malformed JSON: text after the string") }
        let inner = (range.lowerBound + 1)..<(range.upperBound - 1)
        guard escaped else { return .slice(inner) }
        scratch.removeAll(keepingCapacity: true)
        var i = inner.lowerBound
        while i < inner.upperBound {
            let byte = bytes[i]
            guard byte == backslash else {
                scratch.append(byte)
                i += 1
                continue
            }
            let code = bytes[i + 1]
            i += 2
            switch code {
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(bytes, i)
                i += 4
                if scalar == 0 { return .rewritten } // SQLite ends the text at U+0000
                if scalar & 0xFC00 == 0xD800, i + 6 <= inner.upperBound, bytes[i] == backslash, bytes[i + 1] == UInt8(ascii: "u"),
                   hex4(bytes, i + 2) & 0xFC00 == 0xDC00 {
                    scalar = 0x10000 + ((scalar & 0x3FF) << 10) + (hex4(bytes, i + 2) & 0x3FF)
                    i += 6
                }
                appendUTF8(scalar, to: &scratch)
            default:
                scratch.append(code) // " \ /
            }
        }
        return .rewritten
    }

    /// A number by JSON's grammar: INTEGER when it has no fraction or exponent and fits, else REAL.
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(Malformed) -> JSONFieldValue {
        var reader = Reader(bytes: bytes, index: range.lowerBound, end: range.upperBound)
        let integral = try reader.skipNumber()
        guard reader.index == range.upperBound else { throw Malformed(description: "malformed JSON: not a value") }
        if integral {
            let negative = bytes[range.lowerBound] == UInt8(ascii: "-")
            var magnitude: UInt64 = 0
            var overflow = false
            for index in (range.lowerBound + (negative ? 1 : 0))..<range.upperBound {
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
                if o1 || o2 { overflow = true; break }
                magnitude = sum
            }
            if !overflow {
                if !negative, magnitude <= UInt64(Int64.max) { return .integer(Int64(magnitude)) }
                if negative, magnitude <= UInt64(Int64.max) + 1 { return .integer(magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)) }
            }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        guard let value = Double(text) else { throw Malformed(description: "malformed JSON: not a number") }
        return .real(value)
    }

    private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> UInt32 {
        var value: UInt32 = 0
        for index in start..<(start + 4) {
            let byte = bytes[index]
            let digit: UInt8 = switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            default: byte - UInt8(ascii: "A") + 10 // checked to be A-F by skipString
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// UTF-8 of `scalar`; a lone surrogate gets the 3-byte form, like SQLite's unescaping.
    private static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case ..<0x80:
            out.append(UInt8(scalar))
        case ..<0x800:
            out.append(0xC0 | UInt8(scalar >> 6))
            out.append(0x80 | UInt8(scalar & 0x3F))
        case ..<0x10000:
            out.append(0xE0 | UInt8(scalar >> 12))
            out.append(0x80 | UInt8((scalar >> 6) & 0x3F))
            out.append(0x80 | UInt8(scalar & 0x3F))
        default:
            out.append(0xF0 | UInt8(scalar >> 18))
            out.append(0x80 | UInt8((scalar >> 12) & 0x3F))
            out.append(0x80 | UInt8((scalar >> 6) & 0x3F))
            out.append(0x80 | UInt8(scalar & 0x3F))
        }
    }

    /// Walks JSON text by its grammar (SQLite 3.40's: no JSON5, no control characters in strings).
    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index: Int
        let end: Int

        /// Copies the value at `index` into `out` without whitespace; strings and numbers as written.
        mutating func value(into out: inout [UInt8], depth: Int) throws(Malformed) {
            guard depth < 1000 else { throw Malformed(description: "malformed JSON: nested too deep") } // SQLite's limit
            skipSpace()
            guard index < end else { throw Malformed(description: "malformed JSON: ends early") }
            let start = index
            switch bytes[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let close = bytes[index] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                out.append(bytes[index])
                index += 1
                skipSpace()
                if index < end, bytes[index] == close {
                    out.append(close)
                    index += 1
                    return
                }
                while true {
                    if close == UInt8(ascii: "}") {
                        skipSpace()
                        guard index < end, bytes[index] == quote else { throw Malformed(description: "malformed JSON: a key is not a string") }
                        let keyStart = index
                        _ = try skipString()
                        out.append(contentsOf: bytes[keyStart..<index])
                        skipSpace()
                        guard index < end, bytes[index] == UInt8(ascii: ":") else { throw Malformed(description: "malformed JSON: ':' expected") }
                        out.append(UInt8(ascii: ":"))
                        index += 1
                    }
                    try value(into: &out, depth: depth + 1)
                    skipSpace()
                    guard index < end else { throw Malformed(description: "malformed JSON: ends early") }
                    if bytes[index] == close {
                        out.append(close)
                        index += 1
                        return
                    }
                    guard bytes[index] == UInt8(ascii: ",") else { throw Malformed(description: "malformed JSON: ',' expected") }
                    out.append(UInt8(ascii: ","))
                    index += 1
                }
            case quote:
                _ = try skipString()
            case UInt8(ascii: "t"): try skipWord("true")
            case UInt8(ascii: "f"): try skipWord("false")
            case UInt8(ascii: "n"): try skipWord("null")
            default:
                _ = try skipNumber()
            }
            out.append(contentsOf: bytes[start..<index])
        }

        /// Moves past the string at `index`; returns whether it holds an escape.
        mutating func skipString() throws(Malformed) -> Bool {
            var escaped = false
            index += 1
            while index < end {
                index = JSONStringScan.nextSpecial(bytes, from: index, to: end, controls: true)
                guard index < end else { break }
                let byte = bytes[index]
                if byte == quote {
                    index += 1
                    return escaped
                }
                if byte < 0x20 { throw Malformed(description: "malformed JSON: a control character in a string") }
                if byte == backslash {
                    escaped = true
                    guard index + 1 < end else { break }
                    switch bytes[index + 1] {
                    case quote, backslash, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
                         UInt8(ascii: "r"), UInt8(ascii: "t"):
                        index += 2
                    case UInt8(ascii: "u"):
                        guard index + 6 <= end, bytes[(index + 2)..<(index + 6)].allSatisfy(isHexDigit) else {
                            throw Malformed(description: "malformed JSON: a bad \\u escape")
                        }
                        index += 6
                    default:
                        throw Malformed(description: "malformed JSON: a bad escape")
                    }
                    continue
                }
                index += 1
            }
            throw Malformed(description: "malformed JSON: an unterminated string")
        }

        /// Moves past the number at `index`; returns whether it has neither fraction nor exponent.
        mutating func skipNumber() throws(Malformed) -> Bool {
            let bad = Malformed(description: "malformed JSON: not a value")
            if index < end, bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < end, isDigit(bytes[index]) else { throw bad }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
                if index < end, isDigit(bytes[index]) { throw bad } // no leading zeros
            } else {
                while index < end, isDigit(bytes[index]) { index += 1 }
            }
            var integral = true
            if index < end, bytes[index] == UInt8(ascii: ".") {
                integral = false
                index += 1
                guard index < end, isDigit(bytes[index]) else { throw bad }
                while index < end, isDigit(bytes[index]) { index += 1 }
            }
            if index < end, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                integral = false
                index += 1
                if index < end, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard index < end, isDigit(bytes[index]) else { throw bad }
                while index < end, isDigit(bytes[index]) { index += 1 }
            }
            return integral
        }

        private mutating func skipWord(_ word: StaticString) throws(Malformed) {
            let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
            guard index + expected.count <= end, zip(bytes[index...], expected).allSatisfy({ $0 == $1 }) else {
                throw Malformed(description: "malformed JSON: not a value")
            }
            index += expected.count
        }

        private mutating func skipSpace() {
            while index < end, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
        }
    }
}

private let quote = UInt8(ascii: "\"")
private let backslash = UInt8(ascii: "\\")

private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

private func isHexDigit(_ byte: UInt8) -> Bool {
    isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
}
