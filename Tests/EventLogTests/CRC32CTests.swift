@testable import EventLog
import Testing

/// CRC-32C guards every batch and header: the processor's instruction and the tables must agree
/// with the standard's check values and with each other, at every length, alignment and split.
@Suite struct CRC32CTests {
    /// RFC 3720 (iSCSI), appendix B.4, and the "123456789" check value of the CRC catalogue.
    static let vectors: [([UInt8], UInt32)] = [
        (Array("123456789".utf8), 0xE306_9283),
        ([UInt8](repeating: 0, count: 32), 0x8A91_36AA),
        ([UInt8](repeating: 0xFF, count: 32), 0x62A8_AB43),
        ((0..<32).map { UInt8($0) }, 0x46DD_794E),
        ((0..<32).reversed().map { UInt8($0) }, 0x113F_DB5C),
        ([], 0),
    ]

    @Test func bothWaysGiveTheStandardsCheckValues() {
        for (bytes, expected) in Self.vectors {
            #expect(CRC32C.checksum(bytes) == expected, "\(bytes)")
            #expect(bytes.withUnsafeBytes { CRC32C.tableUpdate(0, $0) } == expected, "\(bytes)")
        }
    }

    @Test func theInstructionAndTheTablesAgreeAtEveryLengthAlignmentAndSplit() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 { // xorshift: the same bytes at every run
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        let buffer = (0..<1_100).map { _ in UInt8(truncatingIfNeeded: next()) }
        buffer.withUnsafeBytes { all in
            for offset in 0..<8 {
                for length in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 255, 1_024, 1_092 - offset] {
                    let bytes = UnsafeRawBufferPointer(rebasing: all[offset..<(offset + length)])
                    let whole = CRC32C.update(0, bytes)
                    #expect(whole == CRC32C.tableUpdate(0, bytes), "offset \(offset), length \(length)")
                    let split = Int(next() % UInt64(length + 1))
                    let continued = CRC32C.update(CRC32C.update(0, UnsafeRawBufferPointer(rebasing: bytes[..<split])),
                                                  UnsafeRawBufferPointer(rebasing: bytes[split...]))
                    #expect(continued == whole, "offset \(offset), length \(length), split at \(split)")
                }
            }
        }
        #if arch(x86_64)
        #expect(CRC32C.usesHardware) // so the comparison above exercised the instruction
        #endif
    }
}
