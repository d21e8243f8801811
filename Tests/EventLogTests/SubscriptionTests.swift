import EventLog
import Foundation
import Testing
import TestSupport

@Suite struct SubscriptionTests {
    @Test func aSubscriptionContinuesLiveAcrossAppendsAndSegmentRollsWithoutGapOrDuplicate() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try EventLog.open(directory: directory.path, options: LogFixtures.options(segmentSize: 2_048))
        defer { log.close() }
        for i in 0..<10 { _ = try await log.append(to: "before", events: [LogFixtures.event("\(i)")]) }
        let perWriter = 75
        let total = Int64(10 + 4 * perWriter)
        // Start in the middle of history; the subscriber must then follow live appends.
        let consumer = Task {
            var positions: [Int64] = []
            for try await event in log.subscribe(from: 5) {
                positions.append(event.position)
                if event.position == total { break }
            }
            return positions
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for i in 0..<perWriter {
                        _ = try await log.append(to: "live-\(writer)", events: [LogFixtures.event("\(writer)-\(i)")])
                    }
                }
            }
            try await group.waitForAll()
        }
        let positions = try await consumer.value
        #expect(positions == Array(5...total))
        #expect(try LogFixtures.segmentFiles(in: directory.path).count > 3)
    }

    @Test func aSubscriptionEndsWhenTheLogClosesOrTheTaskIsCancelled() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try EventLog.open(directory: directory.path, options: LogFixtures.options())
        _ = try await log.append(to: "s", events: [LogFixtures.event("a")])
        let waiting = Task {
            var count = 0
            for try await _ in log.subscribe(from: 1) { count += 1 }
            return count
        }
        let cancelled = Task {
            var count = 0
            for try await _ in log.subscribe(from: 2) { count += 1 }
            return count
        }
        cancelled.cancel()
        #expect(try await cancelled.value == 0)
        #expect(await log.waitUntilStored(1, timeout: .seconds(1)))
        #expect(!(await log.waitUntilStored(2, timeout: .milliseconds(20))))
        log.close()
        #expect(try await waiting.value == 1)
    }
}
