import EventLog
import Foundation
import GRDB
import Testing
import TestSupport

/// The real binary, killed with SIGKILL halfway through a projection batch (rows written, not yet
/// committed): after each restart, rows and checkpoint agree, and in the end every event of the
/// log is applied exactly once.
@Suite(.serialized) struct ProjectionCrashTests {
    /// One row per application, with no key: an event applied twice would leave two rows.
    static let applications = """
        -- @schema
        CREATE TABLE applied (position INTEGER NOT NULL, n INTEGER);
        -- @on *
        INSERT INTO applied (position, n) VALUES (:position, :p_n);
        """

    @Test func sigkillMidBatchAppliesEveryEventExactlyOnce() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let projections = directory.url.appendingPathComponent("projections")
        try FileManager.default.createDirectory(at: projections, withIntermediateDirectories: true)
        try Data(Self.applications.utf8).write(to: projections.appendingPathComponent("applications.sql"))
        let log = try EventLog.open(directory: directory.path + "/log", options: LogFixtures.options())
        var events: [ProposedEvent] = []
        for i in 1...2_000 {
            events.append(ProposedEvent(type: "test.counted", metadata: EventMetadata(actor: "tester"), payload: Array("{\"n\":\(i)}".utf8)))
        }
        let head = try await log.append(to: "s", events: events).lastPosition
        log.close()

        let batch = 100
        var lastCheckpoint: Int64 = 0
        for round in 1...3 {
            let marker = directory.path + "/paused-\(round)"
            // Batch `round + 1` of this run pauses halfway: `round` batches commit first.
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ProtalentBinary.path)
            process.arguments = ["catch-up", "--data-dir", directory.path, "--projections", projections.path, "--batch-size", "\(batch)"]
            process.environment = ProcessInfo.processInfo.environment.merging(["PROTALENT_TEST_PAUSE_MID_BATCH": "\(round + 1):\(marker)"]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            var paused = false
            for _ in 0..<6_000 where !paused {
                paused = FileManager.default.fileExists(atPath: marker)
                if !paused { try await Task.sleep(for: .milliseconds(5)) }
            }
            #expect(paused, "round \(round): the run never reached the middle of a batch")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)

            let model = try Self.readModel(directory)
            #expect(model.checkpoint > lastCheckpoint, "round \(round): no batch committed before the kill")
            #expect(model.checkpoint % Int64(batch) == 0, "round \(round): a half batch was committed")
            #expect(model.rows == model.checkpoint, "round \(round): rows and checkpoint disagree")
            #expect(model.distinct == model.rows, "round \(round): an event was applied twice")
            #expect(model.highest == model.checkpoint)
            lastCheckpoint = model.checkpoint
        }

        let finish = try ProtalentBinary.run(["catch-up", "--data-dir", directory.path, "--projections", projections.path, "--batch-size", "\(batch)"])
        #expect(finish.status == 0, "\(finish.stderr)")
        #expect(finish.stdout.contains("applications: at position \(head) of \(head)"))
        let model = try Self.readModel(directory)
        #expect(model == Model(checkpoint: head, rows: head, distinct: head, highest: head, sum: 2_000 * 2_001 / 2))
    }

    struct Model: Equatable {
        var checkpoint: Int64
        var rows: Int64
        var distinct: Int64
        var highest: Int64
        var sum: Int64
    }

    /// The live model's checkpoint and what its rows say, read from the files the run left.
    static func readModel(_ directory: TemporaryDirectory) throws -> Model {
        let readModels = directory.path + "/readmodels"
        let live = try String(contentsOfFile: readModels + "/applications.current", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let queue = try DatabaseQueue(path: readModels + "/" + live)
        defer { try? queue.close() }
        return try queue.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT (SELECT position FROM _projection_state) AS checkpoint, count(*) AS rows,
                       count(DISTINCT position) AS d, coalesce(max(position), 0) AS highest, coalesce(sum(n), 0) AS s FROM applied
                """)!
            return Model(checkpoint: row["checkpoint"], rows: row["rows"], distinct: row["d"], highest: row["highest"], sum: row["s"])
        }
    }
}
