import EventLog
import Foundation
import Testing
import TestSupport

/// `protalent stats` reports every projection from its files, beside a process holding the log.
@Suite struct StatsCommandTests {
    static let labels = """
        -- @schema
        CREATE TABLE labels (position INTEGER PRIMARY KEY, label TEXT NOT NULL);
        -- @on test.happened
        INSERT INTO labels (position, label) VALUES (:position, :p_label);
        """
    /// Fails on the event labelled 7.
    static let picky = """
        -- @schema
        CREATE TABLE picky (position INTEGER PRIMARY KEY, label TEXT NOT NULL CHECK (label <> '7'));
        -- @on test.happened
        INSERT INTO picky (position, label) VALUES (:position, :p_label);
        """

    @Test func statsShowsCheckpointLagStateAndLastFailureWhileTheLogIsHeld() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let projections = directory.url.appendingPathComponent("projections")
        try FileManager.default.createDirectory(at: projections, withIntermediateDirectories: true)
        try Data(Self.labels.utf8).write(to: projections.appendingPathComponent("labels.sql"))
        try Data(Self.picky.utf8).write(to: projections.appendingPathComponent("picky.sql"))
        var log = try EventLog.open(directory: directory.path + "/log", options: LogFixtures.options())
        for i in 1...10 { _ = try await log.append(to: "s", events: [LogFixtures.event("\(i)")]) }
        log.close()

        let notBuilt = try ProtalentBinary.run(["stats", "--data-dir", directory.path, "--projections", projections.path])
        #expect(notBuilt.status == 0, "\(notBuilt.stderr)")
        #expect(notBuilt.stdout.contains("projections: 2"))
        #expect(notBuilt.stdout.range(of: #"labels +[0-9a-f]{12} +0 +10 +10 +not-built"#, options: .regularExpression) != nil, "\(notBuilt.stdout)")

        let catchUp = try ProtalentBinary.run(["catch-up", "--data-dir", directory.path, "--projections", projections.path])
        #expect(catchUp.status == 1)
        #expect(catchUp.stderr.contains("picky stopped at position 7 (test.happened)"))

        // A writer holds the log (as a server does) and appends two more events.
        log = try EventLog.open(directory: directory.path + "/log", options: LogFixtures.options())
        defer { log.close() }
        _ = try await log.append(to: "s", events: [LogFixtures.event("11"), LogFixtures.event("12")])
        let stats = try ProtalentBinary.run(["stats", "--data-dir", directory.path, "--projections", projections.path])
        #expect(stats.status == 0, "\(stats.stderr)")
        let out = stats.stdout
        #expect(out.contains("events: 12"))
        #expect(out.range(of: #"name +version +checkpoint +head +lag +state"#, options: .regularExpression) != nil, "\(out)")
        #expect(out.range(of: #"labels +[0-9a-f]{12} +10 +12 +2 +idle"#, options: .regularExpression) != nil, "\(out)")
        #expect(out.range(of: #"picky +[0-9a-f]{12} +6 +12 +6 +failed"#, options: .regularExpression) != nil, "\(out)")
        #expect(out.contains("last failure: position 7, event type test.happened: SQLite error 19: CHECK constraint failed"), "\(out)")

        // A changed file: the model on disk is of another version until rebuilt.
        try Data((Self.labels + "\n-- v2\n").utf8).write(to: projections.appendingPathComponent("labels.sql"))
        let stale = try ProtalentBinary.run(["stats", "--data-dir", directory.path, "--projections", projections.path])
        #expect(stale.stdout.range(of: #"labels +[0-9a-f]{12} +10 +12 +2 +stale \(live model of version [0-9a-f]{12}\)"#, options: .regularExpression) != nil, "\(stale.stdout)")
    }
}
