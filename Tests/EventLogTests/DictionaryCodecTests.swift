@testable import EventLog
import Foundation
import Testing
import TestSupport

/// Codec 2: batches compressed against the log's LZ4 dictionary, the dictionary file beside the
/// segments, and logs written before dictionaries (codec 1, format version 1).
@Suite struct DictionaryCodecTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// The committed golden log: format version 1, codec 1, written before dictionaries existed.
    static let oldLog = root.appendingPathComponent("snapshots/log")

    /// A dictionary of the fixtures' own schema: the field names and text `LogFixtures.event` writes.
    static let dictionary = LogDictionary(samples: (0..<8).map { number in
        LogDictionary.Sample(
            stream: "stream-\(number % 3)", type: "test.happened", actor: "tester",
            payload: Array("{\"label\":\"\(number)-a\",\"text\":\"Bourse d'excellence pour étudiants de Dakar\"}".utf8)
        )
    })

    private func options(segmentSize: Int = 64 << 20) -> EventLogOptions {
        var options = LogFixtures.options(segmentSize: segmentSize)
        options.dictionary = Self.dictionary
        return options
    }

    /// Every batch header of every segment of a log, with its segment's format version.
    private func batches(in directory: String) throws -> [(version: UInt16, header: BatchHeader)] {
        var found: [(UInt16, BatchHeader)] = []
        for path in try LogFixtures.segmentFiles(in: directory) {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            let scan = try SegmentScanner.scan(bytes, previousChainHash: nil)
            found += scan.batches.map { (scan.header.formatVersion, $0.header) }
        }
        return found
    }

    private func records(_ count: Int) -> [UInt8] {
        var writer = ByteWriter()
        for number in 0..<count {
            RecordCodec.append(LogFixtures.event("\(number)-a"), stream: "stream-\(number % 3)", version: Int64(number + 1),
                               timestampMicros: 1_790_000_000_000_000, to: &writer)
        }
        return writer.bytes
    }

    private func roundTrip(_ raw: [UInt8], count: Int, compressor: LZ4DictionaryCompressor?, dictionary: LogDictionary?) throws -> (BatchHeader, [RecordedEvent]) {
        let sealed = BatchPayload.seal(
            raw: raw, firstPosition: 7, recordCount: count, previousChainHash: LogFormat.zeroHash,
            compressionLevel: 0, dictionary: compressor, hasher: SHA256Chain()
        )
        let decoded = try sealed.bytes.withUnsafeBytes { bytes in
            try SegmentScanner.decodePayload(bytes, batch: try BatchHeader.decode(bytes), at: 0, dictionary: dictionary)
        }
        return (sealed.header, decoded)
    }

    @Test func aBatchRoundTripsWithAndWithoutTheDictionaryAndTheDictionaryShrinksIt() throws {
        for count in [1, 5, 64] {
            let raw = records(count)
            let expected = try raw.withUnsafeBytes { try RecordCodec.decode($0, firstPosition: 7, count: count) }
            let (plainHeader, plain) = try roundTrip(raw, count: count, compressor: nil, dictionary: nil)
            let (dictionaryHeader, withDictionary) = try roundTrip(
                raw, count: count, compressor: LZ4DictionaryCompressor(Self.dictionary), dictionary: Self.dictionary
            )
            #expect(plain == expected && withDictionary == expected, "\(count) records")
            #expect(plainHeader.codec != .lz4Dictionary && plainHeader.dictionaryTag == 0)
            #expect(dictionaryHeader.codec == .lz4Dictionary && dictionaryHeader.dictionaryTag == Self.dictionary.tag)
            // The dictionary pays where a batch has little of its own to match (one or a few
            // records, the common case under light load); a large batch finds most of its matches
            // in itself, and there the two codecs are within a few per cent either way (the fixtures'
            // random ids decide which).
            if count < 64 {
                #expect(dictionaryHeader.storedLength < plainHeader.storedLength, "\(count) records: \(dictionaryHeader.storedLength) vs \(plainHeader.storedLength) bytes")
            } else {
                #expect(Double(dictionaryHeader.storedLength) <= Double(plainHeader.storedLength) * 1.05,
                        "\(count) records: \(dictionaryHeader.storedLength) vs \(plainHeader.storedLength) bytes")
            }
        }
    }

    @Test func aBatchIsRefusedWithoutItsDictionaryOrWithAnotherOne() throws {
        let raw = records(3)
        let sealed = BatchPayload.seal(
            raw: raw, firstPosition: 1, recordCount: 3, previousChainHash: LogFormat.zeroHash,
            compressionLevel: 0, dictionary: LZ4DictionaryCompressor(Self.dictionary), hasher: SHA256Chain()
        )
        let other = LogDictionary(Array("{\"something\":\"else entirely\"}".utf8))
        for (dictionary, expected) in [(nil, "the log has none"), (other, "the log's lz4.dict has tag \(other.tag)")] as [(LogDictionary?, String)] {
            let error = sealed.bytes.withUnsafeBytes { bytes -> FormatError? in
                do throws(FormatError) {
                    _ = try SegmentScanner.decodePayload(bytes, batch: try BatchHeader.decode(bytes), at: 0, dictionary: dictionary)
                    return nil
                } catch {
                    return error
                }
            }
            #expect(error?.description.contains(expected) == true, "\(String(describing: error))")
        }
    }

    @Test func aLogWithADictionaryStoresItWritesVersionTwoSegmentsAndReadsBack() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try EventLog.open(directory: directory.path, options: options(segmentSize: 2_000))
        var written: [ProposedEvent] = []
        for number in 0..<40 {
            let event = LogFixtures.event("\(number)-a")
            _ = try await log.append(to: "stream-\(number % 3)", events: [event])
            written.append(event)
        }
        log.close()
        #expect(try DictionaryFile.load(fromLog: directory.path) == Self.dictionary)
        let found = try batches(in: directory.path)
        #expect(found.count == 40 && found.allSatisfy { $0.version == 2 && $0.header.codec == .lz4Dictionary })
        #expect(try LogFixtures.segmentFiles(in: directory.path).count > 1, "the test needs a roll")

        // Later options do not replace a log's dictionary: it is the log's, for good.
        var otherOptions = LogFixtures.options()
        otherOptions.dictionary = LogDictionary(Array("unrelated".utf8))
        let reopened = try EventLog.open(directory: directory.path, options: otherOptions)
        #expect(try reopened.read(from: 1, maxCount: 100).map(\.eventId) == written.map(\.eventId))
        reopened.close()
        #expect(try DictionaryFile.load(fromLog: directory.path) == Self.dictionary)
        let report = try LogVerifier.verify(directory: directory.path)
        #expect(report.isIntact && report.events == 40)
        #expect(try EventLog.openReadOnly(directory: directory.path).read(from: 1, maxCount: 100).map(\.eventId) == written.map(\.eventId))
    }

    @Test func aLogWrittenByTheOldCodecStaysReadableAndTakesTheDictionaryFromItsNextSegment() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.oldLog.path) where name.hasSuffix(".seg") {
            try FileManager.default.copyItem(atPath: Self.oldLog.path + "/" + name, toPath: directory.path + "/" + name)
        }
        let old = try EventLog.openReadOnly(directory: directory.path).read(from: 1, maxCount: 1_000)
        #expect(old.count == 47)
        let before = try batches(in: directory.path)
        #expect(before.allSatisfy { $0.version == 1 && $0.header.codec != .lz4Dictionary })

        // Its active segment is version 1: codec 1 there, codec 2 once a version-2 segment starts.
        let log = try EventLog.open(directory: directory.path, options: options(segmentSize: 1))
        _ = try await log.append(to: "new-stream", events: [LogFixtures.event("first")])
        _ = try await log.append(to: "new-stream", events: [LogFixtures.event("second")])
        #expect(try log.read(from: 1, maxCount: 1_000).prefix(47).map(\.eventId) == old.map(\.eventId))
        log.close()
        let after = try batches(in: directory.path)
        #expect(after.prefix(before.count).map(\.header) == before.map(\.header), "old batches are not rewritten")
        #expect(after.suffix(1).allSatisfy { $0.version == 2 && $0.header.codec == .lz4Dictionary })
        #expect(after.count == before.count + 2)
        let report = try LogVerifier.verify(directory: directory.path)
        #expect(report.isIntact && report.events == 49)
    }

    @Test func aDamagedDictionaryIsRefusedNamingItsFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try EventLog.open(directory: directory.path, options: options())
        _ = try await log.append(to: "stream-0", events: [LogFixtures.event("0-a")])
        log.close()
        let path = DictionaryFile.path(inLog: directory.path)
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[40] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        do throws(LogError) {
            _ = try EventLog.open(directory: directory.path, options: options()).close()
            Issue.record("the writer accepted a damaged dictionary")
        } catch {
            #expect(error.kind == .corruption && error.description.contains(path) && error.description.contains("checksum mismatch"), "\(error)")
        }
        do throws(LogError) {
            _ = try EventLog.openReadOnly(directory: directory.path).close()
            Issue.record("a reader accepted a damaged dictionary")
        } catch {
            #expect(error.kind == .corruption && error.description.contains(path) && error.description.contains("checksum mismatch"), "\(error)")
        }
        let report = try LogVerifier.verify(directory: directory.path)
        #expect(!report.isIntact && report.fault?.file == path)
        #expect(report.fault?.reason.contains("LZ4 dictionary is damaged") == true)
    }

    @Test func aDictionaryFileSwappedForAnotherIsRefusedAtTheFirstBatchItCannotDecode() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try EventLog.open(directory: directory.path, options: options())
        _ = try await log.append(to: "stream-0", events: [LogFixtures.event("0-a")])
        log.close()
        try FileDescriptor.writeAtomically(DictionaryFile.encode(LogDictionary(Array("another log's dictionary".utf8))),
                                           to: DictionaryFile.path(inLog: directory.path))
        do throws(LogError) {
            _ = try EventLog.open(directory: directory.path, options: options()).close()
            Issue.record("a batch was decoded with another dictionary")
        } catch {
            #expect(error.kind == .corruption && error.description.contains("compressed with LZ4 dictionary tag \(Self.dictionary.tag)"), "\(error)")
        }
    }
}
