/// Finds where a JSON string's plain run of bytes ends, eight bytes at a time: most of a payload's
/// bytes are inside strings (ids, names, texts), and looking at each one was ~2 % of a rebuild.
enum JSONStringScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The index of the first byte of `bytes[start..<end]` that is a quote, a backslash or, with
    /// `controls`, below 0x20; `end` when there is none.
    @inline(__always)
    static func nextSpecial(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, controls: Bool) -> Int {
        var index = start
        if let base = bytes.baseAddress {
            while index + 8 <= end {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                // A byte equal to c makes `x = word ^ c·ones` zero there: (x - ones) & ~x sets its
                // high bit; (word - 0x20·ones) & ~word does for a byte below 0x20 (exact for
                // "any byte", which is all this asks).
                let quotes = word ^ (ones &* 0x22)
                let backslashes = word ^ (ones &* 0x5C)
                var found = ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes)
                if controls { found |= (word &- ones &* 0x20) & ~word }
                if found & highs != 0 { break }
                index += 8
            }
        }
        while index < end {
            let byte = bytes[index]
            if byte == 0x22 || byte == 0x5C || (controls && byte < 0x20) { return index }
            index += 1
        }
        return end
    }
}
