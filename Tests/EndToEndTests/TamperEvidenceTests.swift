import EventLog
import Foundation
import Testing
import TestSupport

/// A changed byte in the log is found by `protalent verify` (with its position) and refused by
/// `protalent serve` (naming the file and position), wherever it is: in a sealed segment, or in an
/// earlier batch of the segment being written.
@Suite(.serialized) struct TamperEvidenceTests {
    @Test func aByteChangedInASealedSegmentIsNamedByVerifyAndRefusedByServe() async throws {
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
