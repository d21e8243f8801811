@testable import EventLog
import Testing

/// `ByteReader.readString` accepts exactly the valid UTF-8 that `String(validating:as:)` accepts.
@Suite struct ByteReaderStringTests {
    static let cases: [[UInt8]] = [
        [], Array("account-7f1c".utf8), Array("Zoé Ouédraogo 🌍".utf8),
        [0xEF, 0xBF, 0xBD], // U+FFFD itself is valid
        [0xFF], [0x61, 0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
        [0xF0, 0x90, 0x80, 0x61], // a cut 4-byte sequence repairs to one U+FFFD: as many bytes as it had
        [0x61, 0xE2, 0x82, 0x62, 0x63], [0x80, 0x80, 0x80],
    ]

    @Test(arguments: cases)
    func readsValidUTF8AndRefusesTheRest(bytes: [UInt8]) {
        let framed = bytes + [0x2E] // a byte after the string, which must stay unread
        let oracle = bytes.withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) }
        framed.withUnsafeBytes { buffer in
            var reader = ByteReader(buffer)
            let read = try? reader.readString(length: bytes.count)
            #expect(read == oracle, "\(bytes)")
            if oracle != nil { #expect(reader.offset == bytes.count && Array(read?.utf8 ?? "".utf8) == bytes) }
        }
    }
}
