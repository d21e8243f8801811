@testable import API
import Archive
import EventLog
import EventSourcing
import Foundation
import Logging
import Testing
import TestSupport

/// The archiver on a log whose first segment is sealed: the segment goes up whole, in parts (it is
/// larger than a part), replaces the tail objects that covered it, and a restore rebuilds the same
/// segment file byte for byte and the same head chain hash, with the data key.
@Suite(.serialized, .enabled(if: MotoServer.available, "moto unavailable: run scripts/setup (it installs moto[server] under .build/test-tools)"))
struct ArchiveSegmentsTests {
    @Test(.timeLimit(.minutes(5)))
    func aSealedSegmentIsArchivedInPartsAndRestoredByteForByte() async throws {
        let directory = try TemporaryDirectory("protalent-archive-segments")
        defer { directory.remove() }
        let moto = MotoServer(directory: directory.path)
        try await moto.start()
        defer { moto.stop() }

        let data = URL(fileURLWithPath: directory.path + "/data")
        var options = EventLogOptions()
        options.segmentSize = 6 << 20
        let log = try EventLog.open(directory: data.path + "/log", options: options)
        defer { log.close() }
        let masterKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let keys = try KeyStore(dataDirectory: data, environment: [KeyStore.masterKeyVariable: masterKey])
        let subject = UUID()
        _ = try keys.key(for: subject, create: true)
        var store = try S3Configuration.fromEnvironment(moto.environment)
        store.partSize = 5 << 20 // moto, like S3, refuses parts under 5 MiB but the last
        let settings = ArchiveSettings(location: try #require(S3Location("s3://\(moto.bucket)/segments-test")), store: store)
        let archiver = Archiver(
            log: log, keys: keys, blobsDirectory: data.appendingPathComponent("blobs"), settings: settings,
            monitor: ArchiveMonitor(settings: settings, dataDirectory: data), logger: Logger(label: "archive-test")
        )
        let client = S3Client(configuration: store, bucket: moto.bucket)
        var progress = Archiver.Progress()

        // Incompressible events: the first segment fills past 6 MiB and seals; tail objects cover it until then.
        func appendRandom(_ count: Int) async throws {
            for index in 0..<count {
                let payload = (0..<(64 << 10)).map { _ in UInt8.random(in: 0...255) }
                _ = try await log.append(to: "bulk-\(index % 7)", events: [ProposedEvent(type: "Filled", payload: payload)])
            }
        }
        try await appendRandom(40)
        while try await !archiver.pass(client, &progress) {}
        #expect(try await client.list(prefix: "segments-test/tail/").count >= 1)
        try await appendRandom(80)
        while try await !archiver.pass(client, &progress) {}
        let segments = try log.segments()
        try #require(segments.count >= 2 && segments[0].isSealed, "the first segment did not seal: \(segments)")
        #expect(try await client.list(prefix: "segments-test/segments/") == ["segments-test/" + ArchiveManifest.segmentName(base: 1)])
        let manifest = try #require(progress.manifest)
        #expect(manifest.segments.count == 1 && manifest.tail.allSatisfy { $0.first > segments[0].lastPosition }, "\(manifest)")
        #expect(manifest.position == log.head)
        try await client.shutdown()

        let restoredDirectory = URL(fileURLWithPath: directory.path + "/restored")
        let outcome = try await ArchiveRestore(location: settings.location, store: store, dataDirectory: restoredDirectory).run()
        #expect(outcome.position == log.head)
        #expect(outcome.chainHash == log.statistics().headChainHash.map { String(format: "%02x", $0) }.joined())
        #expect(outcome.keys == 1)
        let original = try Data(contentsOf: URL(fileURLWithPath: segments[0].path)).prefix(segments[0].length)
        let copy = try Data(contentsOf: restoredDirectory.appendingPathComponent("log/" + URL(fileURLWithPath: segments[0].path).lastPathComponent))
        #expect(copy.prefix(segments[0].length) == original, "the restored sealed segment differs")
        let restoredKeys = try KeyStore(dataDirectory: restoredDirectory, environment: [KeyStore.masterKeyVariable: masterKey])
        #expect(try restoredKeys.key(for: subject, create: false) == (try keys.key(for: subject, create: false)))
        #expect(restoredKeys.journalCount == keys.journalCount)
    }
}
