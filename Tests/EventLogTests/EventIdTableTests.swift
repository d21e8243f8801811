import Foundation
import Testing
@testable import EventLog

@Suite struct EventIdTableTests {
    @Test func findsEveryInsertedIdAcrossGrowthAndMissesOthers() {
        var table = EventIdTable()
        var ids: [UUID] = []
        for position in 1...50_000 {
            let id = UUID()
            ids.append(id)
            table.insert(id, position: Int64(position))
        }
        #expect(table.count == 50_000)
        for (offset, id) in ids.enumerated() { #expect(table[id] == Int64(offset + 1)) }
        for _ in 0..<1_000 { #expect(table[UUID()] == nil) }
    }

    @Test func sequentialIdsThatShareTheirFirstHalfStayDistinct() {
        // Client-made ids (tests, sequential generators) share long prefixes: the mixer must still spread them.
        var table = EventIdTable(capacity: 10)
        let ids = (0..<5_000).map { n -> UUID in
            UUID(uuid: (0, 0, 0, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, UInt8(n >> 8), UInt8(n & 0xFF)))
        }
        for (offset, id) in ids.enumerated() { table.insert(id, position: Int64(offset + 1)) }
        #expect(table.count == 5_000)
        #expect(ids.enumerated().allSatisfy { table[$1] == Int64($0 + 1) })
        table.insert(ids[7], position: 99)
        #expect(table.count == 5_000 && table[ids[7]] == 99)
    }
}
