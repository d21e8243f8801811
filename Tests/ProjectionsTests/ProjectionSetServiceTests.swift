import EventLog
import Foundation
import GRDB
import Projections
import ProjectionsTestSupport
import Synchronization
import Testing
import TestSupport

/// `ProjectionSet` as a service: rebuilds together, live pick-up of changed files, rebuilds on
/// demand, read-your-writes across every projection, cancellation.
@Suite struct ProjectionSetServiceTests {
    @Test func rebuildingTogetherGivesTheRowsOfRebuildingOneAfterTheOther() async throws {
        let setup = try SetFixture(["counting": countingProjection, "every": everyEventProjection])
        defer { setup.fixture.close() }
        try await setup.fixture.append(1_200)
        try await setup.fixture.append(700, type: "test.other", stream: "t", from: 5_000)
        let head = try await setup.fixture.append(300, from: 1_201)

        let together = try setup.set(data: setup.fixture.data.url.appendingPathComponent("together"), batchSize: 128)
        try await together.rebuild()
        let alone = try setup.set(data: setup.fixture.data.url.appendingPathComponent("alone"), batchSize: 128)
        for name in ["counting", "every"] { try await alone.rebuild([name]) }

        for name in ["counting", "every"] {
            let a = try #require(together.databases[name]), b = try #require(alone.databases[name])
            #expect(try dump(a) == dump(b))
            #expect(together.runner(named: name)?.status.checkpoint == head)
        }
        #expect(try counted(#require(together.databases["counting"])) == Counted(rows: 1_500, sum: 1_500 * 1_501 / 2, checkpoint: head))
        let seen = try #require(together.databases["every"]).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM seen") }
        #expect(seen == 2_200)
    }

    /// With far more batches than the reader may be ahead of the slowest build, the reader waits
    /// for the builds, woken as they take batches: the rebuild ends with every row.
    @Test(.timeLimit(.minutes(2))) func aRebuildOfManyMoreBatchesThanTheReaderMayBeAheadBuildsEveryRow() async throws {
        let setup = try SetFixture(["counting": countingProjection, "every": everyEventProjection])
        defer { setup.fixture.close() }
        let head = try await setup.fixture.append(600)
        let set = try setup.set(batchSize: 1) // builds read 4 events at a time: 150 batches
        try await set.rebuild()
        #expect(try counted(#require(set.databases["counting"])) == Counted(rows: 600, sum: 600 * 601 / 2, checkpoint: head))
        let seen = try #require(set.databases["every"]).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM seen") }
        #expect(seen == 600)
    }

    @Test func aFailingProjectionStopsAloneWhileTheOthersAreBuiltTogether() async throws {
        let picky = countingProjection.replacingOccurrences(of: "n INTEGER NOT NULL,", with: "n INTEGER NOT NULL CHECK (n <> 77),")
        let setup = try SetFixture(["picky": picky, "every": everyEventProjection])
        defer { setup.fixture.close() }
        let head = try await setup.fixture.append(500)
        let set = try setup.set(batchSize: 50)
        try await set.rebuild()
        let failure = try #require(set.runner(named: "picky")?.status.failure)
        #expect(failure.position == 77)
        #expect(failure.eventType == "test.counted")
        #expect(failure.message.contains("CHECK constraint failed"))
        #expect(set.runner(named: "every")?.status.checkpoint == head)
        #expect(set.runner(named: "every")?.status.failure == nil)
    }

    @Test func changedFileIsRebuiltAndSwappedInWhileQueriesKeepAnswering() async throws {
        let setup = try SetFixture(["counting": countingProjection, "every": everyEventProjection])
        defer { setup.fixture.close() }
        let head = try await setup.fixture.append(2_000)
        let set = try setup.set(batchSize: 100)
        let storage = try #require(set.databases["counting"])
        let runner = try #require(set.runner(named: "counting"))
        let task = Task { try await set.run() }
        #expect(await set.waitUntil(position: head, timeout: patience))
        let oldVersion = runner.projection.version
        let oldFile = storage.liveFile

        // Readers keep asking while the file changes; each answer is the old model or the new one, whole.
        let reader = CountedReader()
        reader.start(storage)
        try setup.write("counting", BlueGreenTests.doubling)
        let swapped = await runner.waitUntil(timeout: patience) { $0.liveVersion != oldVersion && $0.rebuild == nil }
        let seen = await reader.stop()
        #expect(swapped)
        #expect(storage.liveFile != oldFile)
        #expect(runner.projection.version != oldVersion)
        let sum = 2_000 * 2_001 / 2
        #expect(!seen.isEmpty)
        for answer in seen {
            #expect(answer == Counted(rows: 2_000, sum: sum, checkpoint: head) || answer == Counted(rows: 2_000, sum: 2 * sum, checkpoint: head))
        }
        // The new model follows the log.
        let next = try await setup.fixture.append(10, from: 2_001)
        #expect(await set.waitUntil(position: next, timeout: patience))
        #expect(try counted(storage) == Counted(rows: 2_010, sum: 2 * 2_010 * 2_011 / 2, checkpoint: next))
        task.cancel()
        try await task.value // returns once cancelled
    }

    @Test func fixingTheFileOfAFailedProjectionRebuildsItAndItFollowsAgain() async throws {
        let picky = countingProjection.replacingOccurrences(of: "n INTEGER NOT NULL,", with: "n INTEGER NOT NULL CHECK (n <> 77),")
        let setup = try SetFixture(["counting": picky])
        defer { setup.fixture.close() }
        let head = try await setup.fixture.append(300)
        let set = try setup.set(batchSize: 50)
        let runner = try #require(set.runner(named: "counting"))
        let task = Task { try await set.run() }
        #expect(await runner.waitUntil(timeout: patience) { $0.state == .failed })
        #expect(runner.status.failure?.position == 77)
        #expect(runner.status.checkpoint == 76)
        #expect(await set.waitUntil(position: head, timeout: .milliseconds(100)) == false)

        try setup.write("counting", countingProjection)
        #expect(await set.waitUntil(position: head, timeout: patience))
        #expect(runner.status.failure == nil)
        #expect(runner.status.liveVersion == runner.projection.version)
        let next = try await setup.fixture.append(3, from: 301)
        #expect(await set.waitUntil(position: next, timeout: patience))
        #expect(try counted(#require(set.databases["counting"])) == Counted(rows: 303, sum: 303 * 304 / 2, checkpoint: next))
        task.cancel()
        try await task.value
    }

    @Test func modelsOfAnotherVersionAreRebuiltTogetherAtStartAndTheOthersFollowMeanwhile() async throws {
        let setup = try SetFixture(["counting": countingProjection, "every": everyEventProjection])
        defer { setup.fixture.close() }
        let head = try await setup.fixture.append(1_000)
        try await setup.set().rebuild()
        // Stopped; both files change before the next start.
        try setup.write("counting", BlueGreenTests.doubling)
        try setup.write("every", everyEventProjection + "\n-- v2\n")
        let set = try setup.set(batchSize: 100)
        for status in set.status() { #expect(status.liveVersion != status.version) }
        let task = Task { try await set.run() }
        #expect(await set.waitUntil(timeout: patience) { $0.allSatisfy { $0.liveVersion == $0.version && $0.rebuild == nil } })
        #expect(await set.waitUntil(position: head, timeout: patience))
        #expect(try counted(#require(set.databases["counting"])) == Counted(rows: 1_000, sum: 1_000 * 1_001, checkpoint: head))
        let next = try await setup.fixture.append(2, from: 1_001)
        #expect(await set.waitUntil(position: next, timeout: patience))
        #expect(try counted(#require(set.databases["counting"])) == Counted(rows: 1_002, sum: 1_002 * 1_003, checkpoint: next))
        task.cancel()
        try await task.value
    }

    @Test func aFileThatDoesNotParseKeepsTheRunningVersionAndItsStatusSaysWhy() async throws {
        let setup = try SetFixture(["counting": countingProjection])
        defer { setup.fixture.close() }
        let head = try await setup.fixture.append(100)
        let set = try setup.set()
        let runner = try #require(set.runner(named: "counting"))
        let version = runner.projection.version
        let task = Task { try await set.run() }
        #expect(await set.waitUntil(position: head, timeout: patience))
        try setup.write("counting", countingProjection + "\n-- @nope\n")
        #expect(await runner.waitUntil(timeout: patience) { $0.refusedFile != nil })
        #expect(runner.projection.version == version)
        let refused = try #require(runner.status.refusedFile)
        #expect(refused.line == 11)
        #expect(refused.message.contains("unknown directive '@nope'"))
        let next = try await setup.fixture.append(5, from: 101)
        #expect(await set.waitUntil(position: next, timeout: patience))
        // Back to the version it runs: nothing is refused any more.
        try setup.write("counting", countingProjection)
        #expect(await runner.waitUntil(timeout: patience) { $0.refusedFile == nil })
        #expect(runner.projection.version == version)
        task.cancel()
        try await task.value
    }

    @Test func requestedRebuildRunsInTheBackgroundWithItsProgressInTheStatus() async throws {
        let setup = try SetFixture(["counting": countingProjection])
        defer { setup.fixture.close() }
        let head = try await setup.fixture.append(3_000)
        let set = try setup.set(batchSize: 100)
        let storage = try #require(set.databases["counting"])
        let runner = try #require(set.runner(named: "counting"))
        #expect(throws: ReadModelError.unknown("nope")) { try set.requestRebuild(of: "nope") }
        let task = Task { try await set.run() }
        #expect(await set.waitUntil(position: head, timeout: patience))
        let oldFile = storage.liveFile

        try set.requestRebuild(of: "counting") // returns at once
        let status = runner.status
        if status.rebuild != nil { // unless it already finished
            #expect(status.state == .rebuilding)
            #expect(status.rebuild!.total == head)
            #expect(throws: ReadModelError.rebuilding("counting")) { try set.requestRebuild(of: "counting") }
        }
        #expect(await runner.waitUntil(timeout: patience) { storage.liveFile != oldFile && $0.rebuild == nil })
        #expect(runner.status.state == .running)
        #expect(try counted(storage) == Counted(rows: 3_000, sum: 3_000 * 3_001 / 2, checkpoint: head))
        task.cancel()
        try await task.value
    }

    @Test func waitUntilWaitsForEveryProjection() async throws {
        let setup = try SetFixture(["counting": countingProjection, "every": everyEventProjection])
        defer { setup.fixture.close() }
        let set = try setup.set(batchSize: 50)
        let task = Task { try await set.run() }
        let position = try await setup.fixture.append(1_000)
        #expect(await set.waitUntil(position: position, timeout: patience))
        for status in set.status() { #expect(status.checkpoint >= position) }
        // A position the log has not reached: false once the timeout passes.
        #expect(await set.waitUntil(position: position + 1, timeout: .milliseconds(100)) == false)
        task.cancel()
        try await task.value
    }

    @Test func cancellingRunStopsEveryRunnerAndReturns() async throws {
        let setup = try SetFixture(["counting": countingProjection, "every": everyEventProjection])
        defer { setup.fixture.close() }
        let first = try await setup.fixture.append(200)
        let set = try setup.set()
        let task = Task { try await set.run() }
        #expect(await set.waitUntil(position: first, timeout: patience))
        task.cancel()
        try await task.value
        // Nothing follows the log any more.
        let later = try await setup.fixture.append(5, from: 201)
        #expect(await set.waitUntil(position: later, timeout: .milliseconds(200)) == false)
        for status in set.status() {
            #expect(status.checkpoint == first)
            #expect(status.state == .idle)
        }

        // Run again: it catches up and serves rebuilds as the first time.
        let storage = try #require(set.databases["counting"])
        let oldFile = storage.liveFile
        try set.requestRebuild(of: "counting") // asked before the run starts: served when it does
        let again = Task { try await set.run() }
        #expect(await set.waitUntil(position: later, timeout: patience))
        let runner = try #require(set.runner(named: "counting"))
        #expect(await runner.waitUntil(timeout: patience) { storage.liveFile != oldFile && $0.rebuild == nil })
        #expect(try counted(storage) == Counted(rows: 205, sum: 205 * 206 / 2, checkpoint: later))
        again.cancel()
        try await again.value
    }
}
