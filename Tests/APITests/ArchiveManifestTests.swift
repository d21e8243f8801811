@testable import API
import EventLog
import Foundation
import Testing
import TestSupport

/// The archive's manifest and object formats, on plain values: a manifest must describe a log
/// without gaps, and a truncated or altered object is named with its position.
@Suite struct ArchiveManifestTests {
    private func piece(_ key: String, _ first: Int64, _ last: Int64) -> ArchiveManifest.Piece {
        .init(key: key, first: first, last: last, chainHash: String(repeating: "a", count: 64), bytes: 10)
    }

    @Test func aContiguousManifestDecodesToWhatWasEncoded() throws {
        var manifest = ArchiveManifest()
        manifest.segments = [piece("segments/1.seg", 1, 100)]
        manifest.tail = [piece("tail/101-150", 101, 150), piece("tail/151-151", 151, 151)]
        manifest.position = 151
        manifest.keyJournal = [.init(key: "keys/journal/0", start: 0, count: 3), .init(key: "keys/journal/3", start: 3, count: 1)]
        let decoded = try ArchiveManifest.decode(try manifest.encoded())
        #expect(decoded == manifest)
        #expect(decoded.keyJournalCount == 4)
        #expect(decoded.pieces.map(\.first) == [1, 101, 151])
    }

    @Test func aGapAMismatchedPositionOrAnUnknownFormatIsRefused() throws {
        var gap = ArchiveManifest()
        gap.tail = [piece("tail/1-10", 1, 10), piece("tail/12-20", 12, 20)]
        gap.position = 20
        #expect(throws: ArchiveError.self) { try ArchiveManifest.decode(try gap.encoded()) }
        var short = ArchiveManifest()
        short.tail = [piece("tail/1-10", 1, 10)]
        short.position = 11
        #expect(throws: ArchiveError.self) { try ArchiveManifest.decode(try short.encoded()) }
        var future = ArchiveManifest()
        future.format = 2
        #expect(throws: ArchiveError.self) { try ArchiveManifest.decode(try future.encoded()) }
        #expect(throws: ArchiveError.self) { try ArchiveManifest.decode(Array("not json".utf8)) }
    }

    @Test func aTailObjectHoldsItsBatchesAndATruncatedOneIsNamedWithItsPosition() async throws {
        let directory = try TemporaryDirectory("protalent-archive-codec")
        defer { directory.remove() }
        let log = try EventLog.open(directory: directory.path + "/log")
        defer { log.close() }
        for index in 0..<3 {
            _ = try await log.append(to: "stream-\(index)", events: [ProposedEvent(type: "Happened", payload: Array("event \(index)".utf8))])
        }
        let batches = try log.rawBatches(from: 1)
        #expect(batches.count == 3)
        let object = ArchiveObjectCodec.tail(batches)
        #expect(try ArchiveObjectCodec.batches(ofTail: object, key: "p/tail/1-3", first: 1) == batches)
        do {
            _ = try ArchiveObjectCodec.batches(ofTail: Array(object.dropLast(5)), key: "p/tail/1-3", first: 1)
            Issue.record("a truncated tail object was accepted")
        } catch {
            #expect(error.description.contains("p/tail/1-3") && error.description.contains("position 3") && error.description.contains("truncated"))
        }
        var altered = object
        altered[0] = 7
        #expect(throws: ArchiveError.self) { try ArchiveObjectCodec.batches(ofTail: altered, key: "k", first: 1) }
    }
}
