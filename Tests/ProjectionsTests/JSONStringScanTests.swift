@testable import Projections
import Testing

/// The eight-bytes-at-a-time scan finds the same byte as looking at each byte in turn.
@Suite struct JSONStringScanTests {
    @Test func itFindsTheFirstQuoteBackslashOrControlAtEveryOffsetAndLength() {
        var generator = SystemRandomNumberGenerator()
        // Mostly plain bytes (ASCII and UTF-8's high bytes), with the ones it looks for and their
        // neighbours (0x1F/0x20, 0x21/0x23, 0x5B/0x5D) placed here and there.
        let plain: [UInt8] = Array(0x20...0x7E).filter { $0 != 0x22 && $0 != 0x5C } + [0x80, 0xA0, 0xC3, 0xE9, 0xFF]
        let special: [UInt8] = [0x22, 0x5C, 0x00, 0x09, 0x1F, 0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7F]
        for _ in 0..<500 {
            let count = Int.random(in: 0...40, using: &generator)
            let bytes = (0..<count).map { _ in
                Int.random(in: 0..<10, using: &generator) == 0 ? special.randomElement(using: &generator)! : plain.randomElement(using: &generator)!
            }
            bytes.withUnsafeBufferPointer { buffer in
                for start in 0...count {
                    for end in start...count {
                        for controls in [false, true] {
                            let expected = (start..<end).first { buffer[$0] == 0x22 || buffer[$0] == 0x5C || (controls && buffer[$0] < 0x20) } ?? end
                            let found = JSONStringScan.nextSpecial(buffer, from: start, to: end, controls: controls)
                            if found != expected {
                                Issue.record("\(bytes) from \(start) to \(end), controls \(controls): \(found), expected \(expected)")
                                return
                            }
                        }
                    }
                }
            }
        }
    }
}
