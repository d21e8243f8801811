import EventLog
import Foundation
import Testing
import TestSupport

/// Crash recovery and tamper evidence, on real segment files.
@Suite struct RecoveryTests {
    /// Writes `batches` batches of two events each (one append per batch) and closes the log.
    private func writeLog(_ directory: TemporaryDirectory, batches: Int, segmentSize: Int = 64 << 20) async throws -> [ProposedEvent] {
        let log = try EventLog.open(directory: directory.path, options: LogFixtures.options(segmentSize: segmentSize))
        var all: [ProposedEvent] = []
        for i in 0..<batches {
            let events = [LogFixtures.event("\(i)-a"), LogFixtures.event("\(i)-b")]
            _ = try await log.append(to: "stream-\(i % 3)", events: events)
            all += events
        }
        log.close()
        return all
    }

    private func fileSize(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1
    }

    @Test func reopenAfterCleanCloseContinuesTheChain() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let written = try await writeLog(directory, batches: 5)
        let log = try EventLog.open(directory: directory.path, options: LogFixtures.options())
        #expect(log.recovery.tornTail == nil)
        #expect(log.head == 10)
        #expect(log.version(of: "stream-0") == 4)
        let more = try await log.append(to: "stream-0", expectedVersion: .exactly(4), events: [LogFixtures.event("after")])
        #expect(more.firstPosition == 11)
        #expect(try log.read(from: 1, maxCount: 100).map(\.eventId) == written.map(\.eventId) + [try log.read(from: 11)[0].eventId])
        log.close()
        let report = try LogVerifier.verify(directory: directory.path)
        #expect(report.isIntact && report.tornTail == nil && report.events == 11 && report.batches == 6)
    }

    @Test func aTornFinalBatchAtEveryByteOffsetRecoversToThePreviousBatch() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let written = try await writeLog(directory, batches: 3)
        let segment = try #require(try LogFixtures.segmentFiles(in: directory.path).first)
        let original = try Data(contentsOf: URL(fileURLWithPath: segment))
        let log = try EventLog.open(directory: directory.path, options: LogFixtures.options())
        let lastBatchStart = log.statistics().bytesOnDisk - (try lastBatchSize(log))
        log.close()

        for cut in lastBatchStart..<original.count {
            try original.prefix(cut).write(to: URL(fileURLWithPath: segment))
            let verifyReport = try LogVerifier.verify(directory: directory.path)
            #expect(verifyReport.isIntact, "verify must call a torn tail recoverable (cut at \(cut))")
            #expect(verifyReport.tornTail?.offset == (cut == lastBatchStart ? nil : lastBatchStart))
            let reopened = try EventLog.open(directory: directory.path, options: LogFixtures.options())
            #expect(reopened.head == 4, "cut at \(cut)")
            #expect(try reopened.read(from: 1).map(\.eventId) == Array(written.prefix(4).map(\.eventId)))
            #expect(try fileSize(segment) == lastBatchStart)
            // The chain continues from the recovered head.
            _ = try await reopened.append(to: "stream-2", events: [LogFixtures.event("again-\(cut)")])
            reopened.close()
            #expect(try LogVerifier.verify(directory: directory.path).isIntact)
            try original.write(to: URL(fileURLWithPath: segment))
            try? FileManager.default.removeItem(atPath: directory.path + "/00000000000000000001.idx")
        }
    }

    /// The size of the last batch of the log's single segment, walking the batch headers' lengths.
    private func lastBatchSize(_ log: EventLog) throws -> Int {
        try lastBatchSize(of: try #require(try LogFixtures.segmentFiles(in: log.directory).first))
    }

    @Test func aFlippedByteBeforeTheTailIsReportedWithItsOffset() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try await writeLog(directory, batches: 4)
        let segment = try #require(try LogFixtures.segmentFiles(in: directory.path).first)
        let original = try Array(Data(contentsOf: URL(fileURLWithPath: segment)))
        let log = try EventLog.open(directory: directory.path, options: LogFixtures.options())
        let lastBatchStart = original.count - (try lastBatchSize(log))
        log.close()
        // Batch starts, to know which batch a flipped byte lands in.
        var starts: [Int] = []
        var offset = 64
        while offset < original.count {
            starts.append(offset)
            offset += 64 + Int(UInt32(original[offset + 4]) | UInt32(original[offset + 5]) << 8 | UInt32(original[offset + 6]) << 16)
        }
        for flip in 0..<lastBatchStart {
            var damaged = original
            damaged[flip] ^= 0x5A
            try Data(damaged).write(to: URL(fileURLWithPath: segment))
            let report = try LogVerifier.verify(directory: directory.path)
            #expect(!report.isIntact, "flip at \(flip) went unnoticed")
            let expectedOffset = flip < 64 ? 0 : starts.last { $0 <= flip }!
            #expect(report.fault?.offset == expectedOffset, "flip at \(flip)")
            #expect(report.fault?.file == segment)
            do {
                let reopened = try EventLog.open(directory: directory.path, options: LogFixtures.options())
                reopened.close()
                Issue.record("opening must refuse a log damaged at \(flip)")
            } catch {
                #expect(error.kind == .corruption)
                #expect(error.corruptionLocation?.offset == expectedOffset)
                #expect("\(error)".contains(segment))
            }
        }
        try Data(original).write(to: URL(fileURLWithPath: segment))
        #expect(try LogVerifier.verify(directory: directory.path).isIntact)
    }

    @Test func aBatchSwappedForAnotherValidBatchBreaksTheChain() async throws {
        // Two logs with identical shapes; batch 2 of one is put into the other. Its checksum is
        // valid, its positions fit, but it does not follow the chain.
        let first = try TemporaryDirectory()
        let second = try TemporaryDirectory()
        defer { first.remove(); second.remove() }
        _ = try await writeLog(first, batches: 3)
        _ = try await writeLog(second, batches: 3)
        let a = try #require(try LogFixtures.segmentFiles(in: first.path).first)
        let b = try #require(try LogFixtures.segmentFiles(in: second.path).first)
        var bytesA = try Array(Data(contentsOf: URL(fileURLWithPath: a)))
        let bytesB = try Array(Data(contentsOf: URL(fileURLWithPath: b)))
        let secondBatch = 64 + 64 + Int(UInt32(bytesA[68]) | UInt32(bytesA[69]) << 8 | UInt32(bytesA[70]) << 16)
        let secondBatchB = 64 + 64 + Int(UInt32(bytesB[68]) | UInt32(bytesB[69]) << 8 | UInt32(bytesB[70]) << 16)
        let lengthA = 64 + Int(UInt32(bytesA[secondBatch + 4]) | UInt32(bytesA[secondBatch + 5]) << 8 | UInt32(bytesA[secondBatch + 6]) << 16)
        let lengthB = 64 + Int(UInt32(bytesB[secondBatchB + 4]) | UInt32(bytesB[secondBatchB + 5]) << 8 | UInt32(bytesB[secondBatchB + 6]) << 16)
        bytesA.replaceSubrange(secondBatch..<secondBatch + lengthA, with: bytesB[secondBatchB..<secondBatchB + lengthB])
        try Data(bytesA).write(to: URL(fileURLWithPath: a))
        let report = try LogVerifier.verify(directory: first.path)
        #expect(!report.isIntact)
        #expect(report.fault?.offset == secondBatch)
        #expect(report.fault?.position == 3)
        #expect(report.fault?.reason.contains("chain") == true)
    }

    @Test func segmentsRollAndReopenFromTheirIndexFiles() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let written = try await writeLog(directory, batches: 40, segmentSize: 1_024)
        let segments = try LogFixtures.segmentFiles(in: directory.path)
        #expect(segments.count > 5)
        #expect(segments.first?.hasSuffix("00000000000000000001.seg") == true)
        for sealed in segments.dropLast() {
            #expect(FileManager.default.fileExists(atPath: String(sealed.dropLast(3)) + "idx"), "no index for \(sealed)")
        }
        let log = try EventLog.open(directory: directory.path, options: LogFixtures.options(segmentSize: 1_024))
        #expect(log.recovery.rebuiltIndexes.isEmpty)
        #expect(log.head == 80)
        #expect(try log.read(from: 1, maxCount: 1_000).map(\.eventId) == written.map(\.eventId))
        #expect(try log.readStream("stream-1").count == 26)
        #expect(log.statistics().segments == segments.count)
        // Ids of sealed segments come from their index files: an old append retried is still a duplicate.
        let retried = try await log.append(to: "stream-0", events: Array(written[0..<2]))
        #expect(retried.wasDuplicate && retried.firstPosition == 1 && retried.lastPosition == 2)
        await #expect(throws: LogError.self) { try await log.append(to: "stream-2", events: [written[2]]) }
        log.close()
        // A missing index is rebuilt from its segment.
        try FileManager.default.removeItem(atPath: String(segments[1].dropLast(3)) + "idx")
        let rebuilt = try EventLog.open(directory: directory.path, options: LogFixtures.options(segmentSize: 1_024))
        #expect(rebuilt.recovery.rebuiltIndexes == [segments[1]])
        #expect(try rebuilt.read(from: 1, maxCount: 1_000).count == 80)
        rebuilt.close()
        let report = try LogVerifier.verify(directory: directory.path)
        #expect(report.isIntact && report.segments == segments.count && report.events == 80)
    }

    @Test func aFlippedByteInASealedSegmentIsFoundByVerifyRefusedWithoutItsRecordAndNeverServed() async throws {
        // Sealed segments open from their index files and verification records. Start-up checks the
        // record against the segment's size, header, index file and last batch; a byte changed
        // elsewhere is found by `verify` (and the scrub), refused by an open that must re-verify
        // (no record), and never served: every read checks its batch's checksum.
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try await writeLog(directory, batches: 30, segmentSize: 1_024)
        let segments = try LogFixtures.segmentFiles(in: directory.path)
        #expect(segments.count > 2)
        let sealed = segments[1]
        let recordPath = String(sealed.dropLast(3)) + "ver"
        let record = try Data(contentsOf: URL(fileURLWithPath: recordPath))
        let original = try Array(Data(contentsOf: URL(fileURLWithPath: sealed)))
        let intact = try EventLog.openReadOnly(directory: directory.path)
        let expected = try intact.read(from: 1).map { [$0.type, $0.stream, String($0.position)] + $0.payload.map(String.init) }
        intact.close()
        let lastBatchStart = original.count - (try lastBatchSize(of: sealed))
        var refusedAtStart = 0
        for flip in stride(from: 0, to: original.count, by: 7) {
            var damaged = original
            damaged[flip] ^= 0x01
            try Data(damaged).write(to: URL(fileURLWithPath: sealed))
            #expect(!(try LogVerifier.verify(directory: directory.path).isIntact), "flip at \(flip) went unnoticed by verify")
            // With its record: the header and the last batch are checked at start; the rest on read.
            do {
                let log = try EventLog.open(directory: directory.path, options: LogFixtures.options(segmentSize: 1_024))
                defer { log.close() }
                #expect(flip >= 64 && flip < lastBatchStart, "a flip in the header or last batch (\(flip)) must be refused at start")
                #expect(throws: LogError.self, "the writer served a damaged batch (flip at \(flip))") { try log.read(from: 1, maxCount: 1_000) }
            } catch {
                refusedAtStart += 1
                #expect(error.kind == .corruption)
                #expect(error.corruptionLocation?.file == sealed)
                #expect(error.corruptionLocation?.position != nil)
            }
            // Without a record the writer verifies the segment in full, and refuses it.
            try FileManager.default.removeItem(atPath: recordPath)
            do {
                let log = try EventLog.open(directory: directory.path, options: LogFixtures.options(segmentSize: 1_024))
                log.close()
                Issue.record("the writer must refuse an unrecorded sealed segment damaged at \(flip)")
            } catch {
                #expect(error.kind == .corruption)
                #expect(error.corruptionLocation?.file == sealed)
                #expect(error.corruptionLocation?.position != nil)
            }
            #expect(!FileManager.default.fileExists(atPath: recordPath), "no record is written for a damaged segment")
            try record.write(to: URL(fileURLWithPath: recordPath))
            // A read-only opener stays fast (no hashing of sealed segments), but never returns damaged
            // events: reading through the damage fails with corruption, or what it reads is intact.
            do {
                let log = try EventLog.openReadOnly(directory: directory.path)
                defer { log.close() }
                let read = try log.read(from: 1).map { [$0.type, $0.stream, String($0.position)] + $0.payload.map(String.init) }
                #expect(read == expected, "a read-only open returned damaged events (flip at \(flip))")
            } catch {
                #expect(error.kind == .corruption)
            }
        }
        #expect(refusedAtStart > 0)
        try Data(original).write(to: URL(fileURLWithPath: sealed))
        let log = try EventLog.open(directory: directory.path, options: LogFixtures.options(segmentSize: 1_024))
        #expect(log.head == 60 && log.recovery.rebuiltIndexes.isEmpty && log.recovery.verifiedSegments.isEmpty)
        log.close()
    }

    @Test func sealedSegmentsAreVerifiedOnceAndThenCheckedAgainstTheirRecords() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try await writeLog(directory, batches: 30, segmentSize: 1_024)
        let segments = try LogFixtures.segmentFiles(in: directory.path)
        let sealed = Array(segments.dropLast())
        #expect(sealed.count > 2)
        func recordPath(_ segment: String) -> String { String(segment.dropLast(3)) + "ver" }
        for segment in sealed {
            #expect(FileManager.default.fileExists(atPath: recordPath(segment)), "sealing wrote no record for \(segment)")
        }
        #expect(!FileManager.default.fileExists(atPath: recordPath(segments.last!)), "the active segment has no record")

        var log = try EventLog.open(directory: directory.path, options: LogFixtures.options(segmentSize: 1_024))
        #expect(log.recovery.recordCheckedSegments == sealed.count && log.recovery.verifiedSegments.isEmpty)
        log.close()

        // A missing or damaged record: that segment is verified in full again and recorded.
        try FileManager.default.removeItem(atPath: recordPath(sealed[0]))
        var damagedRecord = try Array(Data(contentsOf: URL(fileURLWithPath: recordPath(sealed[2]))))
        damagedRecord[20] ^= 0x01
        try Data(damagedRecord).write(to: URL(fileURLWithPath: recordPath(sealed[2])))
        log = try EventLog.open(directory: directory.path, options: LogFixtures.options(segmentSize: 1_024))
        #expect(log.recovery.verifiedSegments == [sealed[0], sealed[2]])
        #expect(log.recovery.recordCheckedSegments == sealed.count - 2)
        #expect(log.head == 60)
        log.close()
        #expect(FileManager.default.fileExists(atPath: recordPath(sealed[0])))
        #expect(try LogVerifier.verify(directory: directory.path).recordsMatched == sealed.count)

        // A sealed segment cut at a batch boundary (every batch left is valid, its index rebuilt):
        // its size no longer matches its record, and the writer refuses it, naming the file.
        let segment = sealed[1]
        let bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
        let shortened = bytes.count - (try lastBatchSize(of: segment))
        try bytes.prefix(shortened).write(to: URL(fileURLWithPath: segment))
        do {
            let reopened = try EventLog.open(directory: directory.path, options: LogFixtures.options(segmentSize: 1_024))
            reopened.close()
            Issue.record("the writer must refuse a sealed segment that no longer matches its record")
        } catch {
            #expect(error.kind == .corruption)
            #expect(error.corruptionLocation?.file == segment)
            #expect(error.description.contains("verification record"), "\(error)")
        }
        let report = try LogVerifier.verify(directory: directory.path)
        #expect(!report.isIntact && report.fault?.file == segment)

        // The same with the index file left in place (it no longer matches the size: rebuilt by scanning).
        try bytes.write(to: URL(fileURLWithPath: segment))
        var appended = bytes
        appended.append(contentsOf: [UInt8](repeating: 0, count: 10))
        try appended.write(to: URL(fileURLWithPath: segment))
        #expect(throws: LogError.self) {
            try EventLog.open(directory: directory.path, options: LogFixtures.options(segmentSize: 1_024)).close()
        }
        try bytes.write(to: URL(fileURLWithPath: segment))
        log = try EventLog.open(directory: directory.path, options: LogFixtures.options(segmentSize: 1_024))
        #expect(log.head == 60)
        log.close()
    }

    @Test func aTornTailCutOnOpenNamesItsPositionsAndIsRemembered() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try await writeLog(directory, batches: 3)
        let segment = try #require(try LogFixtures.segmentFiles(in: directory.path).first)
        let original = try Data(contentsOf: URL(fileURLWithPath: segment))
        let lastBatchStart = original.count - (try lastBatchSize(of: segment))
        #expect(TornTailCut.last(inLog: directory.path) == nil)

        // The payload was torn: the header says which positions the batch held.
        try original.prefix(lastBatchStart + 70).write(to: URL(fileURLWithPath: segment))
        var log = try EventLog.open(directory: directory.path, options: LogFixtures.options())
        let torn = try #require(log.recovery.tornTail)
        #expect(torn.firstPosition == 5 && torn.lastPosition == 6 && torn.discardedBytes == 70 && torn.offset == lastBatchStart)
        #expect(torn.summary.hasPrefix("positions 5…6, 70 bytes at \(segment) offset \(lastBatchStart)"), "\(torn.summary)")
        #expect(log.lastTornTailCut?.tornTail == torn)
        log.close()

        // Remembered after the fact, by read-only openers too (what `protalent stats` shows).
        let reader = try EventLog.openReadOnly(directory: directory.path)
        #expect(reader.recovery.tornTail == nil && reader.lastTornTailCut?.tornTail == torn)
        reader.close()

        // The header itself was torn: the first position is known, the count is not.
        log = try EventLog.open(directory: directory.path, options: LogFixtures.options())
        _ = try await log.append(to: "stream-9", events: [LogFixtures.event("again")])
        log.close()
        let again = try Data(contentsOf: URL(fileURLWithPath: segment))
        try again.prefix(again.count - (try lastBatchSize(of: segment)) + 20).write(to: URL(fileURLWithPath: segment))
        log = try EventLog.open(directory: directory.path, options: LogFixtures.options())
        #expect(log.recovery.tornTail?.firstPosition == 5 && log.recovery.tornTail?.lastPosition == nil)
        #expect(log.lastTornTailCut?.tornTail.discardedBytes == 20)
        #expect(log.recovery.tornTail?.summary.contains("count unknown") == true)
        log.close()
    }

    /// The size of the last batch of the segment at `path`, walking the batch headers' lengths.
    private func lastBatchSize(of path: String) throws -> Int {
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        var offset = 64
        var last = 64
        while offset < bytes.count {
            last = offset
            let stored = Int(UInt32(bytes[offset + 4]) | UInt32(bytes[offset + 5]) << 8 | UInt32(bytes[offset + 6]) << 16 | UInt32(bytes[offset + 7]) << 24)
            offset += 64 + stored
        }
        return bytes.count - last
    }

    @Test func zerosAfterTheLastBatchAreTheEndOfDataNotATornTail() async throws {
        // What a killed writer leaves: the zero-filled space ahead of the tail.
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try await writeLog(directory, batches: 3)
        let segment = try #require(try LogFixtures.segmentFiles(in: directory.path).first)
        let handle = try #require(FileHandle(forWritingAtPath: segment))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(count: 10_000))
        try handle.close()
        let report = try LogVerifier.verify(directory: directory.path)
        #expect(report.isIntact && report.tornTail == nil && report.events == 6)
        let reader = try EventLog.openReadOnly(directory: directory.path)
        #expect(reader.head == 6 && reader.recovery.tornTail == nil)
        let log = try EventLog.open(directory: directory.path, options: LogFixtures.options())
        #expect(log.head == 6 && log.recovery.tornTail == nil)
        _ = try await log.append(to: "after", events: [LogFixtures.event("after")])
        log.close()
        #expect(try LogVerifier.verify(directory: directory.path).events == 7)
        // A clean close leaves no zeros behind.
        #expect(try fileSize(segment) == (try EventLog.openReadOnly(directory: directory.path)).statistics().bytesOnDisk)
    }

    @Test func aMissingSegmentIsCorruption() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try await writeLog(directory, batches: 30, segmentSize: 1_024)
        let segments = try LogFixtures.segmentFiles(in: directory.path)
        try FileManager.default.removeItem(atPath: segments[2])
        #expect(!(try LogVerifier.verify(directory: directory.path).isIntact))
        #expect(throws: LogError.self) { try EventLog.open(directory: directory.path) }
    }
}
