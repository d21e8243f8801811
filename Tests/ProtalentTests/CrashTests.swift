import EventLog
import Foundation
import Testing
import TestSupport

/// The real binary, killed with SIGKILL while appending: no acknowledged event may be lost.
@Suite(.serialized) struct CrashTests {
    @Test func sigkillMidAppendLosesNoAcknowledgedEvent() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let ackPath = directory.path + "/acks.txt"
        var generator = SystemRandomNumberGenerator()
        for round in 0..<4 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ProtalentBinary.path)
            process.arguments = ["bench", "log", "--data-dir", directory.path, "--events", "5000000", "--writers", "8",
                                 "--ack-file", ackPath, "--json"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let acksBefore = (try? String(contentsOfFile: ackPath, encoding: .utf8))?.utf8.count ?? 0
            try process.run()
            // Wait for this round's first acknowledgements, then kill at a random moment.
            let deadline = Date().addingTimeInterval(30)
            while ((try? FileManager.default.attributesOfItem(atPath: ackPath)[.size] as? Int) ?? 0) <= acksBefore, Date() < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...150, using: &generator)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal, "round \(round): the process ended before the kill")

            let text = try String(contentsOfFile: ackPath, encoding: .utf8)
            let acknowledged = text.split(separator: "\n").filter { $0.count == 36 }.compactMap { UUID(uuidString: String($0)) }
            #expect(acknowledged.count > 0)
            let log = try EventLog.open(directory: directory.path + "/log")
            var stored = Set<UUID>()
            var next: Int64 = 1
            while true {
                let chunk = try log.read(from: next, maxCount: 10_000)
                guard let last = chunk.last else { break }
                for event in chunk { stored.insert(event.eventId) }
                next = last.position + 1
            }
            log.close()
            let lost = acknowledged.filter { !stored.contains($0) }
            #expect(lost.isEmpty, "round \(round): \(lost.count) of \(acknowledged.count) acknowledged events lost")
            #expect(try LogVerifier.verify(directory: directory.path + "/log").isIntact)
        }
        let verify = try ProtalentBinary.run(["verify", "--data-dir", directory.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("intact"))
    }
}
