import EventLog
import Foundation
import Testing
import TestSupport

@Suite struct AppendAndReadTests {
    @Test func everyRecordFieldRoundTripsThroughDiskAndReopen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let correlation = UUID()
        let causation = UUID()
        let event = ProposedEvent(
            eventId: UUID(), type: "mentoring.session-requested",
            metadata: EventMetadata(correlationId: correlation, causationId: causation, actor: "user-42"),
            payload: Array("{\"title\":\"Préparer l'entretien\"}".utf8) + [0, 255]
        )
        let bare = ProposedEvent(type: "identity.account-registered", metadata: EventMetadata(), payload: [])
        let log = try EventLog.open(directory: directory.path, options: LogFixtures.options())
        let result = try await log.append(to: "session-1", expectedVersion: .noStream, events: [event, bare])
        #expect(result.firstPosition == 1 && result.lastPosition == 2)
        #expect(result.streamVersions == ["session-1": 2])
        log.close()

        let reopened = try EventLog.open(directory: directory.path, options: LogFixtures.options())
        defer { reopened.close() }
        let stored = try reopened.read(from: 1)
        #expect(stored.count == 2)
        let first = try #require(stored.first)
        #expect(first.position == 1)
        #expect(first.stream == "session-1")
        #expect(first.streamVersion == 1)
        #expect(first.type == "mentoring.session-requested")
        #expect(first.eventId == event.eventId)
        #expect(first.timestampMicros == 1_790_000_000_000_000)
        #expect(first.metadata == EventMetadata(correlationId: correlation, causationId: causation, actor: "user-42"))
        #expect(first.payload == event.payload)
        #expect(stored[1].metadata == EventMetadata())
        #expect(stored[1].payload.isEmpty)
        #expect(try reopened.readStream("session-1", from: 2).map(\.eventId) == [bare.eventId])
        #expect(reopened.head == 2)
    }

    /// A one-pass read that leaves the cache alone (`caching: false`) returns what a cached read
    /// does, from any position, with any count, over batches of several records, several
    /// segments, and batches the cache already holds.
    @Test func aReadThatLeavesTheCacheAloneReturnsTheSameEvents() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try EventLog.open(directory: directory.path, options: LogFixtures.options(segmentSize: 4 << 10))
        for batch in 0..<40 {
            let events = (0...(batch % 4)).map { index in
                ProposedEvent(type: "test.counted", metadata: EventMetadata(actor: "a\(batch)"), payload: Array("{\"n\":\(batch * 10 + index)}".utf8))
            }
            _ = try await log.append(to: "s-\(batch % 3)", events: events)
        }
        let all = try log.read(from: 1, maxCount: 1_000)
        #expect(all.count == 100 && all.map(\.position) == Array(1...100))
        log.close()
        // Reopened for each position, the cache is empty: every batch comes from its file (an
        // uncached read fills nothing, but one too short for a whole batch does); or the first
        // 30 events' batches are cached.
        for cachedFirst in [false, true] {
            for position in Int64(1)...101 {
                let reopened = try EventLog.open(directory: directory.path, options: LogFixtures.options(segmentSize: 4 << 10))
                defer { reopened.close() }
                if cachedFirst { _ = try reopened.read(from: 1, maxCount: 30) }
                for count in [100, 7, 3, 2, 1] {
                    let uncached = try reopened.read(from: position, maxCount: count, caching: false)
                    let expected = Array(all.dropFirst(Int(position) - 1).prefix(count))
                    #expect(uncached.map(\.position) == expected.map(\.position), "from \(position), \(count)")
                    #expect(uncached.map(\.payload) == expected.map(\.payload) && uncached.map(\.metadata) == expected.map(\.metadata))
                }
            }
        }
    }

    @Test(arguments: [
        (ExpectedVersion.any, Int64(0), true), (.any, 3, true),
        (.noStream, 0, true), (.noStream, 3, false),
        (.exists, 0, false), (.exists, 3, true),
        (.exactly(0), 0, true), (.exactly(3), 3, true), (.exactly(2), 3, false), (.exactly(4), 3, false),
    ])
    func expectedVersionMatrix(expected: ExpectedVersion, current: Int64, succeeds: Bool) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try EventLog.open(directory: directory.path, options: LogFixtures.options())
        defer { log.close() }
        if current > 0 {
            _ = try await log.append(to: "s", events: (0..<current).map { LogFixtures.event("\($0)") })
        }
        do {
            let result = try await log.append(to: "s", expectedVersion: expected, events: [LogFixtures.event("x")])
            #expect(succeeds)
            #expect(result.streamVersions["s"] == current + 1)
        } catch {
            #expect(!succeeds)
            #expect(error.kind == .wrongExpectedVersion)
            let conflict = try #require(error.versionConflict)
            #expect(conflict.stream == "s" && conflict.expected == expected && conflict.actual == current)
            #expect("\(error)".contains("stream 's'"))
        }
        #expect(log.version(of: "s") == current + (succeeds ? 1 : 0))
    }

    @Test func multiStreamAppendIsAllOrNothing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try EventLog.open(directory: directory.path, options: LogFixtures.options())
        defer { log.close() }
        _ = try await log.append(to: "email-ada", events: [LogFixtures.event("claim")])
        // The account stream is new but the email claim exists: nothing may be written.
        await #expect(throws: LogError.self) {
            try await log.append([
                StreamAppend(stream: "account-2", expectedVersion: .noStream, events: [LogFixtures.event("registered")]),
                StreamAppend(stream: "email-ada", expectedVersion: .noStream, events: [LogFixtures.event("claimed")]),
            ])
        }
        #expect(log.head == 1)
        #expect(log.version(of: "account-2") == 0)
        let ok = try await log.append([
            StreamAppend(stream: "account-2", expectedVersion: .noStream, events: [LogFixtures.event("registered")]),
            StreamAppend(stream: "email-bob", expectedVersion: .noStream, events: [LogFixtures.event("claimed")]),
        ])
        #expect(ok.firstPosition == 2 && ok.lastPosition == 3)
        #expect(ok.streamVersions == ["account-2": 1, "email-bob": 1])
        // A stream listed without events is a pure version check inside the same atomic append.
        await #expect(throws: LogError.self) {
            try await log.append([
                StreamAppend(stream: "calendar-1", expectedVersion: .noStream, events: [LogFixtures.event("booked")]),
                StreamAppend(stream: "account-2", expectedVersion: .exactly(0), events: []),
            ])
        }
        #expect(log.head == 3)
    }

    @Test func retryingTheSameEventIdsIsIdempotent() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try EventLog.open(directory: directory.path, options: LogFixtures.options())
        let events = [LogFixtures.event("a"), LogFixtures.event("b")]
        let first = try await log.append(to: "s", expectedVersion: .noStream, events: events)
        _ = try await log.append(to: "other", events: [LogFixtures.event("c")])
        // Same ids, same stream, stale expectation: the original result, nothing written.
        let retry = try await log.append(to: "s", expectedVersion: .noStream, events: events)
        #expect(retry.wasDuplicate)
        #expect(retry.firstPosition == first.firstPosition && retry.lastPosition == first.lastPosition)
        #expect(retry.streamVersions == ["s": 2])
        #expect(log.head == 3)
        // Part of an append already stored: refused.
        await #expect(throws: LogError.self) {
            try await log.append(to: "s", events: [events[0], LogFixtures.event("new")])
        }
        // A stored id sent to another stream: refused.
        do {
            _ = try await log.append(to: "elsewhere", events: [events[1]])
            Issue.record("expected a duplicate event id error")
        } catch {
            #expect(error.kind == .duplicateEventId)
        }
        log.close()
        // The rule holds after reopening (ids come back from disk).
        let reopened = try EventLog.open(directory: directory.path, options: LogFixtures.options())
        defer { reopened.close() }
        let again = try await reopened.append(to: "s", events: events)
        #expect(again.wasDuplicate && again.firstPosition == 1)
        #expect(reopened.head == 3)
    }

    @Test func invalidAppendsAreRefusedWithReasons() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try EventLog.open(directory: directory.path, options: LogFixtures.options())
        defer { log.close() }
        let event = LogFixtures.event("x")
        for appends in [
            [StreamAppend](),
            [StreamAppend(stream: "", events: [LogFixtures.event("x")])],
            [StreamAppend(stream: "s", events: [event, event])],
            [StreamAppend(stream: "s", events: [LogFixtures.event("a")]), StreamAppend(stream: "s", events: [LogFixtures.event("b")])],
        ] {
            do {
                _ = try await log.append(appends)
                Issue.record("expected a refusal for \(appends)")
            } catch {
                #expect(error.kind == .invalidAppend)
            }
        }
        #expect(log.head == 0)
    }

    @Test func manyConcurrentAppendersGetGaplessPositionsAndVersions() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try EventLog.open(directory: directory.path, options: LogFixtures.options())
        let writers = 32
        let appendsPerWriter = 20
        let results = try await withThrowingTaskGroup(of: [AppendResult].self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var results: [AppendResult] = []
                    for i in 0..<appendsPerWriter {
                        // Half the writers share one hot stream (version .any); the rest own theirs (exact versions).
                        let stream = writer % 2 == 0 ? "hot" : "writer-\(writer)"
                        let expected: ExpectedVersion = writer % 2 == 0 ? .any : .exactly(Int64(i * 2))
                        results.append(try await log.append(to: stream, expectedVersion: expected,
                                                            events: [LogFixtures.event("\(writer)-\(i)-a"), LogFixtures.event("\(writer)-\(i)-b")]))
                    }
                    return results
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let total = Int64(writers * appendsPerWriter * 2)
        #expect(log.head == total)
        let positions = results.flatMap { [$0.firstPosition, $0.lastPosition] }.sorted()
        #expect(positions == Array(1...total))
        let all = try log.read(from: 1, maxCount: Int(total) + 10)
        #expect(all.map(\.position) == Array(1...total))
        var versions: [String: Int64] = [:]
        for event in all {
            versions[event.stream, default: 0] += 1
            #expect(event.streamVersion == versions[event.stream])
        }
        #expect(versions["hot"] == Int64(writers / 2 * appendsPerWriter * 2))
        log.close()
        let report = try LogVerifier.verify(directory: directory.path)
        #expect(report.isIntact && report.events == total)
    }

    @Test func secondWriterIsRefusedWhileReadersWork() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try EventLog.open(directory: directory.path, options: LogFixtures.options())
        defer { log.close() }
        _ = try await log.append(to: "s", events: [LogFixtures.event("a")])
        do {
            _ = try EventLog.open(directory: directory.path)
            Issue.record("a second writer must be refused")
        } catch {
            #expect(error.kind == .locked)
            #expect("\(error)".contains("already open for writing"))
        }
        let reader = try EventLog.openReadOnly(directory: directory.path)
        #expect(reader.head == 1)
        #expect(try reader.read(from: 1).count == 1)
        await #expect(throws: LogError.self) { try await reader.append(to: "s", events: [LogFixtures.event("b")]) }
    }
}
