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
    }
}
