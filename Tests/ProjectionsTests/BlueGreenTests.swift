import EventLog
import Foundation
import GRDB
import Projections
import ProjectionsTestSupport
import Synchronization
import Testing

@Suite struct BlueGreenTests {
    /// The counting projection with doubled values: another file, so another version.
    static let doubling = countingProjection.replacingOccurrences(of: ":p_n,", with: ":p_n * 2,")

    @Test func changedFileIsRebuiltBesideTheLiveModelWhileReadersKeepTheirAnswers() async throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let head = try await fixture.append(3_000)
        let sum = 3_000 * 3_001 / 2
        do {
            let (_, runner) = try fixture.runner(try fixture.projection("counting", countingProjection))
            try await whileRunning(runner) { #expect(await runner.waitUntil(position: head, timeout: patience)) }
        }

        let v2 = try fixture.projection("counting", Self.doubling)
        let (storage, runner) = try fixture.runner(v2, batchSize: 100)
        let oldFile = try #require(storage.liveFile)
        #expect(try storage.state(of: .live)?.version != v2.version)
        let held = try #require(storage.reader) // a reader holding the old pool across the swap

        // A reader hammering the model during the rebuild sees the old model or the new one, complete.
        let reader = CountedReader()
        reader.start(storage)
        let task = Task { try await runner.run() }
        let swapped = await runner.waitUntil(timeout: patience) { storage.liveFile != oldFile && $0.checkpoint == head }
        let seen = await reader.stop()
        task.cancel()
        _ = await task.result

        #expect(swapped)
        #expect(!seen.isEmpty)
        for answer in seen {
            #expect(answer == Counted(rows: 3_000, sum: sum, checkpoint: head) || answer == Counted(rows: 3_000, sum: 2 * sum, checkpoint: head))
        }
        #expect(try counted(storage) == Counted(rows: 3_000, sum: 2 * sum, checkpoint: head))
        #expect(runner.status.liveVersion == v2.version)
        // The held pool still answers from the old model, complete.
        let old = try await held.read { db in try Int.fetchOne(db, sql: "SELECT sum(n) FROM counted")! }
        #expect(old == sum)
    }

    /// A build has no rollback journal: a failed batch cannot be undone, so the build is emptied,
    /// keeps its failure and checkpoint, and can never go live; the live model keeps answering.
    @Test func aBuildThatFailsAtAnEventNeverGoesLiveAndTheLiveModelKeepsAnswering() async throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let head = try await fixture.append(1_000)
        let sum = 1_000 * 1_001 / 2
        let v1 = try fixture.projection("counting", countingProjection)
        do {
            let (_, runner) = try fixture.runner(v1)
            try await whileRunning(runner) { #expect(await runner.waitUntil(position: head, timeout: patience)) }
        }
        // Version 2 refuses n = 700: its build fails in the middle of a batch of 40 (4 × 10), inside
        // a transaction that spans its earlier batches (a build commits every few seconds).
        let v2 = try fixture.projection("counting", countingProjection.replacingOccurrences(
            of: "n INTEGER NOT NULL,", with: "n INTEGER NOT NULL CHECK (n <> 700),"))
        let (storage, runner) = try fixture.runner(v2, batchSize: 10)
        let liveFile = try #require(storage.liveFile)
        let failure = try await failureWhileRunning(runner)
        #expect(failure.position == 700)
        #expect(failure.message.contains("CHECK constraint failed"))
        #expect(storage.liveFile == liveFile)
        #expect(try counted(storage) == Counted(rows: 1_000, sum: sum, checkpoint: head))
        let build = try #require(try storage.state(of: .building))
        #expect(build.position == 699)
        #expect(build.failure == failure)
        #expect(throws: ReadModelError.failedBuild("counting")) { try storage.promoteBuild() }
        #expect(storage.liveFile == liveFile)

        // The fixed file builds and goes live.
        let v3 = try fixture.projection("counting", Self.doubling)
        let (fixed, again) = try fixture.runner(v3, batchSize: 100)
        try await whileRunning(again) {
            let swapped = await again.waitUntil(timeout: patience) { $0.liveVersion == v3.version && $0.checkpoint == head }
            #expect(swapped)
        }
        #expect(try counted(fixed) == Counted(rows: 1_000, sum: 2 * sum, checkpoint: head))
    }

    @Test func rebuildOnDemandReportsProgressAndRetiresTheOldFile() async throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let head = try await fixture.append(2_000)
        let projection = try fixture.projection("counting", countingProjection)
        let (storage, runner) = try fixture.runner(projection, batchSize: 75) // builds read 4 × 75 = 300 events at a time
        try await whileRunning(runner) {
            #expect(await runner.waitUntil(position: head, timeout: patience))
            let oldFile = try #require(storage.liveFile)
            let reports = Mutex<[RebuildProgress]>([])
            let oldAnswers = Mutex<[Counted]>([])
            try await runner.rebuild { step in
                reports.withLock { $0.append(step) }
                if let answer = try? counted(storage) { oldAnswers.withLock { $0.append(answer) } }
            }
            let steps = reports.withLock { $0 }
            #expect(steps.count >= 7)
            #expect(steps.last == RebuildProgress(done: head, total: head))
            #expect(steps.map(\.done) == steps.map(\.done).sorted())
            // During the build, queries answered from the old, complete model.
            #expect(oldAnswers.withLock { $0 }.allSatisfy { $0.rows == 2_000 })
            #expect(storage.liveFile != oldFile)
            storage.removeRetiredFiles()
            let files = try FileManager.default.contentsOfDirectory(atPath: fixture.readModels.path)
            #expect(!files.contains { $0.hasPrefix(oldFile) })
            // The follower goes on with the new model.
            let next = try await fixture.append(5, from: 2_001)
            #expect(await runner.waitUntil(position: next, timeout: patience))
            #expect(try counted(storage) == Counted(rows: 2_005, sum: 2_005 * 2_006 / 2, checkpoint: next))
            // The build chose the page size the live model keeps.
            #expect(try storage.read { try Int.fetchOne($0, sql: "PRAGMA page_size") } == 16_384)
        }
    }
}
