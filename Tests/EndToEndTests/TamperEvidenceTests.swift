import EventLog
import Foundation
import Testing
import TestSupport

/// A changed byte in the log is found by `protalent verify` (with its position) wherever it is. In
/// the segment being written `protalent serve` refuses it at start (naming the file and position);
/// in a sealed segment whose verification record still matches its size, header and last batch, the
/// background scrub finds it, and start refuses it once the segment must be verified again.
@Suite(.serialized) struct TamperEvidenceTests {
    @Test func aByteChangedInASealedSegmentIsNamedByVerifyAndTheScrubAndRefusedWhenReverified() async throws {
        let directory = try TemporaryDirectory("protalent-e2e")
        let server = ServerProcess(dataDirectory: directory.path + "/data")
        defer { server.removeFiles(); directory.remove() }
        // Small segments, so a few hundred events seal several (the server's are 64 MiB).
        let log = try EventLog.open(directory: server.dataDirectory + "/log", options: LogFixtures.options(segmentSize: 4_096))
        for index in 0..<120 {
            _ = try await log.append(to: "tamper-\(index % 5)", events: [LogFixtures.event("\(index)")])
        }
        log.close()
        let segments = try LogFixtures.segmentFiles(in: server.dataDirectory + "/log")
        try #require(segments.count >= 3, "expected sealed segments, got \(segments)")

        // Intact: verify passes and the server starts on it.
        #expect(try await server.verify().status == 0)
        try await server.start()
        #expect(try await server.logHead() == 120)
        await server.stop()

        let sealed = segments[1]
        var bytes = try Data(contentsOf: URL(fileURLWithPath: sealed))
        let offset = bytes.count / 2
        bytes[offset] ^= 0x20
        try bytes.write(to: URL(fileURLWithPath: sealed))

        let verify = try await server.verify()
        #expect(verify.status == 1, "verify on a tampered sealed segment: \(verify.output)")
        #expect(verify.output.contains(sealed) && verify.output.contains("(position "), "verify names file and position: \(verify.output)")

        // Start-up checks the segment against its verification record (size, header, index file,
        // last batch), not every byte: the middle of the segment is the scrub's to find.
        try await server.start(extraArguments: ["--scrub-interval", "0.0003"]) // about a second
        // The server's stderr is a file beside the data directory: woken by each write to it.
        _ = try? DirectoryWatch.wait(in: server.dataDirectory + ".logs") {
            server.lastStderr.contains("log scrub found corruption") ? true : nil
        }
        #expect(server.lastStderr.contains("log scrub found corruption") && server.lastStderr.contains(sealed),
                "the scrub names the file: \(server.lastStderr.suffix(2_000))")
        await server.stop()

        // Without its record the segment is verified in full at start, and refused.
        try FileManager.default.removeItem(atPath: String(sealed.dropLast(3)) + "ver")
        let refused = try await server.startExpectingRefusal()
        #expect(refused.status != 0)
        #expect(refused.output.contains(sealed), "serve names the file: \(refused.output)")
        #expect(refused.output.contains("position "), "serve names the position: \(refused.output)")
        #expect(refused.output.contains("corrupt"), "serve says what is wrong: \(refused.output)")
    }

    @Test func aByteChangedInAnEarlierBatchOfRealDataIsNamedByVerifyAndRefusedByServe() async throws {
        try await withServer { server in
            for index in 0..<3 {
                _ = try await server.signUp(uniqueEmail("tamper\(index)"))
            }
            let head = try await server.logHead()
            await server.stop()
            let segment = try #require(try LogFixtures.segmentFiles(in: server.dataDirectory + "/log").last)
            var bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
            // Inside the first batch's payload: the segment header is 64 bytes, the batch header 64.
            bytes[64 + 64 + 10] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: segment))

            let verify = try await server.verify()
            #expect(verify.status == 1, "\(verify.output)")
            #expect(verify.output.contains("(position 1)"), "verify names the first position of the damaged batch: \(verify.output)")
            let refused = try await server.startExpectingRefusal()
            #expect(refused.status != 0 && refused.output.contains(segment) && refused.output.contains("position 1"), "\(refused.output)")

            // Restored, it serves again with nothing lost.
            bytes[64 + 64 + 10] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: segment))
            try await server.start()
            #expect(try await server.logHead() == head)
        }
    }
}
