import EventLog
import Foundation
import Testing
import TestSupport

/// `EventLog.truncate(directory:after:)`: a log cut after a position is its own prefix — verified,
/// reopened, with appends continuing its chain — and the cut events are reported.
@Suite struct LogTruncationTests {
    /// Appends `count` single-event batches (one append at a time) over three streams.
    private func write(_ log: EventLog, count: Int, label: String) async throws {
        for i in 0..<count {
            _ = try await log.append(to: "stream-\(i % 3)", events: [LogFixtures.event("\(label)-\(i)")])
        }
    }

    /// The first position of each segment file after the first, from the file names.
    private func segmentBases(_ directory: String) throws -> [Int64] {
        try LogFixtures.segmentFiles(in: directory).compactMap { Int64(URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent) }
    }

    @Test(arguments: ["inside a segment", "at a segment's end", "at the start of the log"])
    func aLogCutAfterAPositionIsAVerifiedPrefixThatAppendsContinue(_ place: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var log = try EventLog.open(directory: directory.path, options: LogFixtures.options(segmentSize: 2_048))
        try await write(log, count: 60, label: "before")
        let bases = try segmentBases(directory.path)
        try #require(bases.count >= 4, "the test needs several segment rolls, got \(bases)")
        let cut: Int64 = switch place {
        case "inside a segment": bases[1] + 2
        case "at a segment's end": bases[2] - 1
        default: 0
        }
        let mark = try log.batchMark(containing: max(cut, 1))
        let expectedCut = try log.read(from: cut + 1, maxCount: 1_000)
        log.close()

        let truncation = try EventLog.truncate(directory: directory.path, after: cut)
        #expect(truncation.head == cut)
        #expect(truncation.cutEvents.map(\.position) == Array((cut + 1)...60))
        #expect(truncation.cutEvents.map(\.eventId) == expectedCut.map(\.eventId))
        #expect(!truncation.removedSegments.isEmpty)
        #expect((truncation.shortenedSegment != nil) == (place == "inside a segment"))
        for removed in truncation.removedSegments {
            #expect(!FileManager.default.fileExists(atPath: removed))
        }
        let verified = try LogVerifier.verify(directory: directory.path)
        #expect(verified.isIntact && verified.events == cut, "\(verified)")

        log = try EventLog.open(directory: directory.path, options: LogFixtures.options(segmentSize: 2_048))
        #expect(log.head == cut)
        #expect(log.recovery.tornTail == nil)
        if cut > 0, let mark {
            #expect(try log.batchMark(containing: cut) == mark, "the chain up to the cut is unchanged")
        }
        // Appends continue the chain from the cut, rolling segments as before.
        try await write(log, count: 30, label: "after")
        #expect(log.head == cut + 30)
        #expect(try log.read(from: cut + 1, maxCount: 1).first?.payload != expectedCut.first?.payload)
        log.close()
        let again = try LogVerifier.verify(directory: directory.path)
        #expect(again.isIntact && again.events == cut + 30, "\(again)")
        log = try EventLog.open(directory: directory.path, options: LogFixtures.options(segmentSize: 2_048))
        #expect(log.head == cut + 30)
        log.close()
    }

    @Test func aCutInsideABatchWhileTheLogIsOpenOrAtTheHeadChangesNothing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var log = try EventLog.open(directory: directory.path, options: LogFixtures.options())
        _ = try await log.append(to: "s", events: (0..<5).map { LogFixtures.event("batch-\($0)") })
        _ = try await log.append(to: "s", events: [LogFixtures.event("last")])
        #expect(throws: LogError.self) { try EventLog.truncate(directory: directory.path, after: 3) }
        log.close()
        let before = try LogFixtures.segmentFiles(in: directory.path).map { try Data(contentsOf: URL(fileURLWithPath: $0)) }

        let inside = #expect(throws: LogError.self) { try EventLog.truncate(directory: directory.path, after: 3) }
        #expect(inside?.description.contains("inside a batch") == true, "\(String(describing: inside))")
        let atHead = try EventLog.truncate(directory: directory.path, after: 6)
        #expect(atHead.cutEvents.isEmpty && atHead.removedSegments.isEmpty && atHead.shortenedSegment == nil)
        let after = try LogFixtures.segmentFiles(in: directory.path).map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        #expect(before == after)

        let cut = try EventLog.truncate(directory: directory.path, after: 5)
        #expect(cut.cutEvents.map(\.position) == [6])
        log = try EventLog.open(directory: directory.path, options: LogFixtures.options())
        #expect(log.head == 5)
        log.close()
    }
}
