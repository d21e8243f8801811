import Cryptography
import Foundation
import Testing

/// Version 7 UUIDs (RFC 9562): what the platform names its entities with.
@Suite struct TimeOrderedUUIDTests {
    @Test func theLayoutIsRFC9562s() {
        // RFC 9562, appendix A.6: Unix time 0x017F22E279B0 ms (Tuesday, February 22, 2022 2:22:22.00 PM GMT-05:00).
        let id = UUID.timeOrdered(milliseconds: 0x017F_22E2_79B0, random: (0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF))
        #expect(id.uuidString == "017F22E2-79B0-7FFF-BFFF-FFFFFFFFFFFF")
        let zero = UUID.timeOrdered(milliseconds: 0x017F_22E2_79B0, random: (0, 0))
        #expect(zero.uuidString == "017F22E2-79B0-7000-8000-000000000000")
    }

    @Test func idsMadeLaterSortLaterAndNoneRepeats() {
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        var ids: [String] = []
        for step in 0..<2_000 {
            // 2 ms apart: a Date near 2026 holds milliseconds only to a fraction of one.
            ids.append(SecureRandom.timeOrderedUUID(at: start.addingTimeInterval(Double(step / 4) * 0.002)).uuidString.lowercased())
        }
        for (earlier, later) in zip(ids, ids.dropFirst(4)) { #expect(earlier < later) } // 4 per instant
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let scalars = Array(id.unicodeScalars)
            #expect(scalars[14] == "7") // version
            #expect("89ab".unicodeScalars.contains(scalars[19])) // variant 10xx
        }
        let sameInstant = (0..<10_000).map { _ in SecureRandom.timeOrderedUUID(at: start) }
        #expect(Set(sameInstant).count == 10_000)
        #expect(sameInstant.allSatisfy { $0.uuidString.prefix(13) == "01A1EE56-5E00" }) // 1,795,000,000,000 ms
    }
}
