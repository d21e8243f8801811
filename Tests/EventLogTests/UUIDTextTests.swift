import EventLog
import Foundation
import Testing

@Suite struct UUIDTextTests {
    @Test func writesAndReadsWhatFoundationDoes() {
        for _ in 0..<1000 {
            let uuid = UUID()
            #expect(UUIDText.lowercase(uuid) == uuid.uuidString.lowercased())
            #expect(UUIDText.parse(Array(uuid.uuidString.utf8)) == uuid)
            #expect(UUIDText.parse(Array(uuid.uuidString.lowercased().utf8)) == uuid)
        }
        let edges = [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                     UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))]
        for uuid in edges { #expect(UUIDText.parse(Array(UUIDText.lowercase(uuid).utf8)) == uuid) }
    }

    @Test(arguments: ["", "not a uuid", "0123456789abcdef0123456789abcdef", "01234567-89ab-cdef-0123-456789abcdeg",
                      "01234567-89ab-cdef-0123_456789abcdef", "01234567-89ab-cdef-0123-456789abcdef0", "{01234567-89ab-cdef-0123-456789abcde}"])
    func refusesWhatFoundationRefuses(text: String) {
        #expect(UUID(uuidString: text) == nil)
        #expect(UUIDText.parse(Array(text.utf8)) == nil)
    }
}
