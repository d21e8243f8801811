import EventLog
import Foundation
import Testing
import TestSupport

/// verify, replay and stats on real logs, through the real binary.
@Suite struct CommandLineTests {
    private func makeLog(_ directory: TemporaryDirectory) async throws {
        let log = try EventLog.open(directory: directory.path + "/log", options: LogFixtures.options())
        _ = try await log.append(to: "session-1", events: [LogFixtures.event("a", type: "mentoring.session-requested", actor: "user-1")])
        _ = try await log.append(to: "session-2", events: [LogFixtures.event("b", type: "mentoring.session-accepted", actor: "user-2")])
        _ = try await log.append(to: "session-1", events: [ProposedEvent(type: "binary.blob", payload: [0xFF, 0x00, 0x10])])
        log.close()
    }

    @Test func replayPrintsTheAuditTrailAsJSONLinesWithFilters() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await makeLog(directory)
        let all = try ProtalentBinary.run(["replay", "--data-dir", directory.path])
        #expect(all.status == 0, "\(all.stderr)")
        let lines = all.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["position"] as? Int == 1)
        #expect(first["stream"] as? String == "session-1")
        #expect(first["version"] as? Int == 1)
        #expect(first["type"] as? String == "mentoring.session-requested")
        #expect(first["time"] as? String == "2026-09-21T14:13:20.000Z")
        #expect((first["metadata"] as? [String: Any])?["actor"] as? String == "user-1")
        #expect((first["payload"] as? [String: Any])?["label"] as? String == "a")
        let third = try #require(try JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [String: Any])
        #expect(third["payloadBase64"] as? String == "/wAQ")

        let stream = try ProtalentBinary.run(["replay", "--data-dir", directory.path, "--stream", "session-1"])
        #expect(stream.stdout.split(separator: "\n").count == 2)
        let type = try ProtalentBinary.run(["replay", "--data-dir", directory.path, "--type", "mentoring.session-accepted", "--format", "table"])
        #expect(type.stdout.split(separator: "\n").count == 2) // header + one row
        #expect(type.stdout.contains("session-2"))
        let later = try ProtalentBinary.run(["replay", "--data-dir", directory.path, "--from-position", "3"])
        #expect(later.stdout.split(separator: "\n").count == 1)
        let future = try ProtalentBinary.run(["replay", "--data-dir", directory.path, "--since", "2030-01-01T00:00:00Z"])
        #expect(future.stdout.isEmpty)
        let bad = try ProtalentBinary.run(["replay", "--data-dir", directory.path, "--since", "yesterday"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--since"))
    }

    @Test func verifyNamesTheFirstBadPositionAndStatsCounts() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await makeLog(directory)
        let stats = try ProtalentBinary.run(["stats", "--data-dir", directory.path])
        #expect(stats.status == 0)
        #expect(stats.stdout.contains("events: 3"))
        #expect(stats.stdout.contains("streams: 2"))
        let intact = try ProtalentBinary.run(["verify", "--data-dir", directory.path])
        #expect(intact.status == 0)
        #expect(intact.stdout.contains("events checked: 3"))

        let segment = try #require(try LogFixtures.segmentFiles(in: directory.path + "/log").first)
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: segment)))
        bytes[64 + 70] ^= 1 // inside the first batch's payload
        try Data(bytes).write(to: URL(fileURLWithPath: segment))
        let corrupt = try ProtalentBinary.run(["verify", "--data-dir", directory.path])
        #expect(corrupt.status == 1)
        #expect(corrupt.stdout.contains("CORRUPT"))
        #expect(corrupt.stdout.contains("byte offset 64 (position 1)"))
        #expect(corrupt.stdout.contains(segment))
    }

    @Test func statsShowsTheTornTailTheLastOpenCut() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await makeLog(directory)
        let clean = try ProtalentBinary.run(["stats", "--data-dir", directory.path])
        #expect(clean.status == 0 && !clean.stdout.contains("torn tail"), "\(clean.stdout)")
        // Append a batch claiming position 4, cut after its header (as a crash mid-write leaves it).
        let log = try EventLog.open(directory: directory.path + "/log", options: LogFixtures.options())
        _ = try await log.append(to: "session-3", events: [LogFixtures.event("d")])
        log.close()
        let segment = try #require(try LogFixtures.segmentFiles(in: directory.path + "/log").first)
        let full = try Data(contentsOf: URL(fileURLWithPath: segment))
        // The fourth batch starts where the third ended: find it by its position in the header.
        let bytes = Array(full)
        var offset = 64
        var start = 64
        while offset < bytes.count {
            start = offset
            offset += 64 + Int(UInt32(bytes[offset + 4]) | UInt32(bytes[offset + 5]) << 8 | UInt32(bytes[offset + 6]) << 16 | UInt32(bytes[offset + 7]) << 24)
        }
        try full.prefix(start + 80).write(to: URL(fileURLWithPath: segment))
        let cutting = try EventLog.open(directory: directory.path + "/log", options: LogFixtures.options())
        #expect(cutting.head == 3)
        cutting.close()

        let stats = try ProtalentBinary.run(["stats", "--data-dir", directory.path])
        #expect(stats.status == 0, "\(stats.stderr)")
        #expect(stats.stdout.contains("events: 3"), "\(stats.stdout)")
        #expect(stats.stdout.contains("last open cut a torn tail: position 4, 80 bytes at \(segment) offset \(start)"), "\(stats.stdout)")
    }
}
