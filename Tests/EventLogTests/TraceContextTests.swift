import EventLog
import Foundation
import Testing
import TestSupport

/// The command's trace context in its events' records (flag bit 3: trace id, span id, flags) and the
/// writer's per-append times for the `log.append` span.
@Suite struct TraceContextTests {
    static let header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test func aTraceparentHeaderRoundTripsThroughItsValue() throws {
        let parent = try #require(TraceParent(TraceContextTests.header))
        #expect(parent.traceID == 0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736)
        #expect(parent.spanID == 0x00f0_67aa_0ba9_02b7)
        #expect(parent.isSampled)
        #expect(parent.description == TraceContextTests.header)
        #expect(parent.traceIDHex == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(TraceParent("00-00000000000000000000000000000001-0000000000000001-00")?.description
            == "00-00000000000000000000000000000001-0000000000000001-00", "leading zeros are kept")
        #expect(TraceParent("00-00000000000000000000000000000001-0000000000000001-00")?.isSampled == false)
        // A later version may carry more fields after the flags; they are not kept.
        #expect(TraceParent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes-next")?.description == TraceContextTests.header)
        let json = try JSONEncoder().encode(EventMetadata(actor: "a", trace: parent))
        #expect(String(decoding: json, as: UTF8.self).contains(TraceContextTests.header))
        #expect(try JSONDecoder().decode(EventMetadata.self, from: json).trace == parent)
    }

    @Test(arguments: [
        "", "00", TraceContextTests.header.uppercased(), TraceContextTests.header + "-", "ff" + TraceContextTests.header.dropFirst(2),
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
        "00-+bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
    ])
    func aValueThatIsNotATraceparentIsRefused(_ text: String) {
        #expect(TraceParent(text) == nil, "\(text)")
    }

    @Test func anEventsTraceContextRoundTripsThroughDiskAndAReplicasLog() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let trace = try #require(TraceParent(TraceContextTests.header))
        var traced = LogFixtures.event("traced")
        traced.metadata.trace = trace
        let untraced = LogFixtures.event("untraced")
        let log = try EventLog.open(directory: directory.path + "/primary", options: LogFixtures.options())
        _ = try await log.append(to: "s", events: [traced, untraced])
        log.close()

        let reopened = try EventLog.open(directory: directory.path + "/primary", options: LogFixtures.options())
        defer { reopened.close() }
        var replicaOptions = LogFixtures.options()
        replicaOptions.isReplica = true
        let replica = try EventLog.open(directory: directory.path + "/replica", options: replicaOptions)
        defer { replica.close() }
        for batch in try reopened.rawBatches(from: 1) { try await replica.append(replicatedBatch: batch) }
        for stored in [try reopened.read(from: 1), try replica.read(from: 1)] {
            #expect(stored.map(\.metadata.trace) == [trace, nil])
            #expect(stored.map(\.metadata.actor) == ["tester", "tester"])
            #expect(stored.map(\.payload) == [traced.payload, untraced.payload])
        }
    }

    @Test func aDurableAppendReportsWhenItWasTakenAndFsyncedAndARetryWaitedForNoFsync() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try EventLog.open(directory: directory.path, options: LogFixtures.options())
        defer { log.close() }
        let event = LogFixtures.event("timed")
        let before = UInt64(Date().timeIntervalSince1970 * 1e9)
        let result = try await log.append(to: "s", events: [event])
        let after = UInt64(Date().timeIntervalSince1970 * 1e9)
        let timing = try #require(result.timing)
        // Microseconds of slack: Foundation's clock and the writer's are both CLOCK_REALTIME, read at different instants.
        #expect(before <= timing.taken + 1_000 && timing.taken <= timing.syncStarted && timing.syncStarted <= timing.syncFinished)
        #expect(timing.syncFinished <= after + 1_000)
        let retry = try await log.append(to: "s", events: [event])
        #expect(retry.wasDuplicate && retry.timing == nil)

        var loose = LogFixtures.options()
        loose.durability = .unsafeNoSync
        let unsynced = try EventLog.open(directory: directory.path + "-loose", options: loose)
        defer {
            unsynced.close()
            try? FileManager.default.removeItem(atPath: directory.path + "-loose")
        }
        #expect(try await unsynced.append(to: "s", events: [LogFixtures.event("loose")]).timing == nil)
    }
}
