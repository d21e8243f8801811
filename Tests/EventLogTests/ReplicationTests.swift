import EventLog
import Foundation
import Testing
import TestSupport

/// A replica's log fed with a primary's raw batches: byte-identical, and refusing anything that is
/// not the primary's next batch, with nothing written.
@Suite struct ReplicationTests {
    private static func replicaOptions(segmentSize: Int = 64 << 20) -> EventLogOptions {
        var options = LogFixtures.options(segmentSize: segmentSize)
        options.isReplica = true
        return options
    }

    /// Appends `count` single-event appends to `log`, spread over three streams.
    private func write(_ log: EventLog, count: Int, label: String) async throws {
        for i in 0..<count {
            _ = try await log.append(to: "stream-\(i % 3)", events: [LogFixtures.event("\(label)-\(i)")])
        }
    }

    /// Feeds the replica every batch of `primary` from the replica's head on, until it reaches `primary`'s head.
    private func follow(_ primary: EventLog, into replica: EventLog) async throws {
        let target = primary.head
        guard replica.head < target else { return }
        for try await batch in primary.batches(from: replica.head + 1, maxBytes: 4_096) {
            try await replica.append(replicatedBatch: batch)
            if replica.head >= target { break }
        }
    }

    /// Every file of a log directory but its lock, by name, with its bytes.
    private func contents(of directory: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name != "LOCK" {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
        }
        return files
    }

    private func segmentBytes(_ directory: String) throws -> [String: Data] {
        try contents(of: directory).filter { $0.key.hasSuffix(".seg") }
    }

    @Test func aReplicaFedThePrimarysBatchesIsByteIdenticalAcrossSegmentRollsAndRestarts() async throws {
        let primaryDirectory = try TemporaryDirectory()
        let replicaDirectory = try TemporaryDirectory()
        defer { primaryDirectory.remove(); replicaDirectory.remove() }
        // The replica's own segment size differs: boundaries must come from the primary.
        let primary = try EventLog.open(directory: primaryDirectory.path, options: LogFixtures.options(segmentSize: 2_048))
        var replica = try EventLog.open(directory: replicaDirectory.path, options: Self.replicaOptions())

        try await write(primary, count: 40, label: "history")
        try await follow(primary, into: replica)
        // Live: the feed waits at the head while concurrent appends arrive.
        let feeder = Task { [replica] in
            for try await batch in primary.batches(from: replica.head + 1) {
                try await replica.append(replicatedBatch: batch)
                if replica.head >= 120 { break }
            }
        }
        try await write(primary, count: 80, label: "live")
        try await feeder.value
        #expect(replica.statistics().headChainHash == primary.statistics().headChainHash)

        // A restarted replica resumes from its own head, across more rolls.
        replica.close()
        replica = try EventLog.open(directory: replicaDirectory.path, options: Self.replicaOptions())
        try await write(primary, count: 60, label: "after-restart")
        try await follow(primary, into: replica)
        #expect(replica.head == 180)
        #expect(try replica.read(from: 1, maxCount: 1_000) == (try primary.read(from: 1, maxCount: 1_000)))
        #expect(replica.version(of: "stream-0") == primary.version(of: "stream-0"))
        primary.close()
        replica.close()

        let primarySegments = try segmentBytes(primaryDirectory.path)
        let replicaSegments = try segmentBytes(replicaDirectory.path)
        #expect(primarySegments.count > 5)
        #expect(replicaSegments.keys.sorted() == primarySegments.keys.sorted())
        for (name, bytes) in primarySegments {
            #expect(replicaSegments[name] == bytes, "segment \(name) differs")
        }
        let verified = try LogVerifier.verify(directory: replicaDirectory.path)
        #expect(verified.isIntact && verified.events == 180)
    }

    /// A primary with a few batches, a replica holding the first `held` of them, and the batch after.
    private struct Fixture {
        var primaryDirectory: TemporaryDirectory
        var replicaDirectory: TemporaryDirectory
        var primary: EventLog
        var replica: EventLog
        var next: ReplicatedBatch

        func remove() {
            primary.close()
            replica.close()
            primaryDirectory.remove()
            replicaDirectory.remove()
        }
    }

    private func fixture() async throws -> Fixture {
        let primaryDirectory = try TemporaryDirectory()
        let replicaDirectory = try TemporaryDirectory()
        let primary = try EventLog.open(directory: primaryDirectory.path, options: LogFixtures.options())
        let replica = try EventLog.open(directory: replicaDirectory.path, options: Self.replicaOptions())
        try await write(primary, count: 4, label: "fixture")
        for batch in try primary.rawBatches(from: 1).prefix(2) { try await replica.append(replicatedBatch: batch) }
        let next = try #require(try primary.rawBatches(from: replica.head + 1).first)
        return Fixture(primaryDirectory: primaryDirectory, replicaDirectory: replicaDirectory, primary: primary, replica: replica, next: next)
    }

    /// Appends `batch` to the fixture's replica, expecting a refusal at the next position with nothing written.
    private func expectRefused(_ batch: ReplicatedBatch, _ fixture: Fixture, because reason: String,
                               sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let before = try contents(of: fixture.replicaDirectory.path)
        let head = fixture.replica.head
        do {
            try await fixture.replica.append(replicatedBatch: batch)
            Issue.record("a batch that should be refused (\(reason)) was accepted", sourceLocation: sourceLocation)
        } catch {
            #expect(error.kind == .replication, sourceLocation: sourceLocation)
            #expect(error.replicationRefusal?.position == head + 1, sourceLocation: sourceLocation)
            #expect(error.description.contains(reason), "\(error)", sourceLocation: sourceLocation)
        }
        #expect(fixture.replica.head == head, sourceLocation: sourceLocation)
        #expect(try contents(of: fixture.replicaDirectory.path) == before, "nothing may be written", sourceLocation: sourceLocation)
    }

    @Test func aFlippedByteAnywhereInABatchIsRefusedWithNothingWritten() async throws {
        let fixture = try await fixture()
        defer { fixture.remove() }
        // Whatever the field, the header's own checks or the checksum catch it before anything else.
        let flips = [
            (0, "magic"), (5, "incomplete batch"), (9, "checksum"), (12, "checksum"), (13, "flags"), (17, "checksum"),
            (25, "checksum"), (29, "checksum"), (40, "checksum"), (63, "checksum"), (64, "checksum"),
            (fixture.next.bytes.count - 1, "checksum"),
        ]
        for (offset, reason) in flips {
            var forged = fixture.next
            forged.bytes[offset] ^= 0x01
            try await expectRefused(forged, fixture, because: reason)
        }
        // The genuine batch is then accepted: a refusal leaves the replica able to continue.
        try await fixture.replica.append(replicatedBatch: fixture.next)
        #expect(fixture.replica.head == fixture.next.lastPosition)
    }

    @Test func aTruncatedOrPaddedBatchIsRefusedWithNothingWritten() async throws {
        let fixture = try await fixture()
        defer { fixture.remove() }
        var truncated = fixture.next
        truncated.bytes.removeLast()
        try await expectRefused(truncated, fixture, because: "incomplete batch")
        try await expectRefused(ReplicatedBatch(bytes: Array(fixture.next.bytes.prefix(30)), startsSegment: false), fixture,
                                because: "truncated batch")
        var padded = fixture.next
        padded.bytes.append(0)
        try await expectRefused(padded, fixture, because: "1 bytes follow the batch")
    }

    @Test func aBatchOfAnotherLogAGapOrAnOverlapIsRefusedWithNothingWritten() async throws {
        let fixture = try await fixture()
        defer { fixture.remove() }
        // Another log with the same shape: its batch at the same position is valid, but of another chain.
        let otherDirectory = try TemporaryDirectory()
        defer { otherDirectory.remove() }
        let other = try EventLog.open(directory: otherDirectory.path, options: LogFixtures.options())
        defer { other.close() }
        try await write(other, count: 4, label: "other")
        let foreign = try #require(try other.rawBatches(from: fixture.replica.head + 1).first)
        try await expectRefused(foreign, fixture, because: "does not continue this log's hash chain")

        let afterNext = try #require(try fixture.primary.rawBatches(from: fixture.next.lastPosition! + 1).first)
        try await expectRefused(afterNext, fixture, because: "(a gap)")
        let alreadyHeld = try #require(try fixture.primary.rawBatches(from: 1).first)
        try await expectRefused(alreadyHeld, fixture, because: "(an overlap)")

        // The first batch of a log always opens a segment: a stream saying otherwise is not the primary's.
        let emptyDirectory = try TemporaryDirectory()
        defer { emptyDirectory.remove() }
        let empty = try EventLog.open(directory: emptyDirectory.path, options: Self.replicaOptions())
        defer { empty.close() }
        var first = try #require(try fixture.primary.rawBatches(from: 1).first)
        first.startsSegment = false
        let refused = await #expect(throws: LogError.self) { try await empty.append(replicatedBatch: first) }
        #expect(refused?.description.contains("the primary's segment continues here") == true)
        #expect(empty.head == 0)
    }

    @Test func aReplicasLogRefusesAppendsOfItsOwnAndAPrimarysRefusesReplicatedBatches() async throws {
        let fixture = try await fixture()
        defer { fixture.remove() }
        await #expect(throws: LogError.self) {
            _ = try await fixture.replica.append(to: "local", events: [LogFixtures.event("local")])
        }
        let error = await #expect(throws: LogError.self) {
            try await fixture.primary.append(replicatedBatch: fixture.next)
        }
        #expect(error?.kind == .replication)
        #expect(fixture.primary.head == 4)
    }

    @Test func batchesAreServedFromBatchStartsOnly() async throws {
        let fixture = try await fixture()
        defer { fixture.remove() }
        #expect(try fixture.primary.rawBatches(from: 5).isEmpty)
        #expect(try fixture.primary.rawBatches(from: 1, maxBytes: 1).count == 1)
        #expect(try fixture.primary.rawBatches(from: 1).count == 4)
        let beyond = #expect(throws: LogError.self) { try fixture.primary.rawBatches(from: 7) }
        #expect(beyond?.replicationRefusal?.position == 7)
        // A two-event batch: its second position is inside it.
        _ = try await fixture.primary.append(to: "pair", events: [LogFixtures.event("a"), LogFixtures.event("b")])
        let inside = #expect(throws: LogError.self) { try fixture.primary.rawBatches(from: 6) }
        #expect(inside?.description.contains("inside the batch 5...6") == true)
    }
}
