import EventLog
import Foundation
import Testing
import TestSupport

@Suite struct RebuildCommandTests {
    @Test func rebuildBuildsTheAuditModelFromTheLogAndNamesUnknownProjections() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try EventLog.open(directory: directory.path + "/log", options: LogFixtures.options())
        for i in 0..<25 { _ = try await log.append(to: "stream-\(i % 4)", events: [LogFixtures.event("\(i)")]) }
        log.close()
        // The repository's own projections directory, found from this file's location.
        let projections = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("projections").path
        let run = try ProtalentBinary.run(["rebuild", "--data-dir", directory.path, "--projections", projections, "audit"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("audit: rebuilt to position 25"))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/readmodels")
        #expect(files.contains { $0.hasPrefix("audit.") && $0.hasSuffix(".sqlite") })

        let unknown = try ProtalentBinary.run(["rebuild", "--data-dir", directory.path, "--projections", projections, "nope"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("no projection named 'nope'"))

        // A projections directory that is missing, or a file: the error names it, nothing is built.
        let file = directory.path + "/log/not-a-directory"
        #expect(FileManager.default.createFile(atPath: file, contents: Data()))
        for (path, why) in [(directory.path + "/missing", "no such directory"), (file, "not a directory")] {
            let message = "cannot read the projections directory \(path): \(why)"
            let refused = try ProtalentBinary.run(["rebuild", "--data-dir", directory.path, "--projections", path])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains(message), "\(refused.stderr)")
            // `stats` still prints the log's figures, then says why it has no projection to show.
            let stats = try ProtalentBinary.run(["stats", "--data-dir", directory.path, "--projections", path])
            #expect(stats.status == 0, "\(stats.stderr)")
            #expect(stats.stdout.contains("events: 25") && stats.stdout.contains("projections: \(message)"), "\(stats.stdout)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/readmodels").filter { !$0.hasPrefix("audit") }.isEmpty)
    }
}
