import Domain
import EventLog
import EventSourcing
import Foundation
import Testing
import TestSupport

@Suite struct SnapshotCommandTests {
    @Test func snapshotWritesOneSnapshotPerLongStreamAndLoadingThenReadsOnlyTheTail() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let environment = ["PROTALENT_MASTER_KEY": Data(repeating: 7, count: 32).base64EncodedString()]
        func store(_ log: EventLog) throws -> EventStore {
            let cipher = KeyStoreCipher(keyStore: try KeyStore(dataDirectory: directory.url, environment: environment))
            return EventStore(log: log, codec: EventCodec(cipher: cipher),
                              snapshots: SnapshotStore(directory: directory.path + "/snapshots", cipher: cipher),
                              options: EventStore.Options(snapshotInterval: 0))
        }
        let owner = UUID()
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        let log = try EventLog.open(directory: directory.path + "/log")
        let events = try store(log)
        for (stream, posts) in [("community-long", 150), ("community-short", 5)] {
            _ = try await events.handle(.create(communityID: UUID(), .init(name: stream, category: .skill, isPrivate: false),
                                                by: .user(owner, .mentor), now: start), to: Communities.self, stream: stream)
            for i in 0..<posts {
                _ = try await events.handle(.post(postID: UUID(), title: nil, body: "post \(i)", by: .user(owner, .mentor),
                                                  now: start.addingTimeInterval(Double(i + 1))), to: Communities.self, stream: stream)
            }
        }
        log.close()

        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProtalentBinary.path)
        process.arguments = ["snapshot", "--data-dir", directory.path, "--min-events", "100"]
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.contains("1 communities"), "\(text)")

        let reopened = try EventLog.open(directory: directory.path + "/log")
        defer { reopened.close() }
        let loaded = try store(reopened).load(Communities.self, stream: "community-long")
        #expect(loaded.snapshotVersion == 151)
        #expect(loaded.eventsRead == 0)
        #expect(loaded.state.posts.count == 150)
        let short = try store(reopened).load(Communities.self, stream: "community-short")
        #expect(short.snapshotVersion == nil && short.eventsRead == 6)
    }
}
