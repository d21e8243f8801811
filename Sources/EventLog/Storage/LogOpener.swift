import Foundation

/// What opening found and repaired.
public struct RecoveryReport: Sendable, Equatable {
    /// A torn final batch that was cut off (writer) or ignored (reader): the file, the offset where
    /// the valid log ends, and how many bytes followed it.
    public struct TornTail: Sendable, Equatable {
        /// The segment file.
        public var file: String
        /// Where the last valid batch ends.
        public var offset: Int
        /// The bytes after it that did not form a valid batch.
        public var discardedBytes: Int
        /// Why the bytes did not form a valid batch.
        public var reason: String
        /// The first position the cut batch held (the head after recovery + 1).
        public var firstPosition: Int64
        /// The last position the cut batch claimed, when its header was readable; `nil` when the
        /// header itself was torn (then how many events it held is unknown).
        public var lastPosition: Int64?

        /// "positions 41…43, 880 bytes" — what was cut, for logs and `protalent stats`.
        public var summary: String {
            let positions = lastPosition.map { $0 == firstPosition ? "position \(firstPosition)" : "positions \(firstPosition)…\($0)" }
                ?? "positions from \(firstPosition) (count unknown: the batch header was torn)"
            return "\(positions), \(discardedBytes) bytes at \(file) offset \(offset) (\(reason))"
        }
    }

    /// The torn tail, if there was one.
    public var tornTail: TornTail?
    /// Segments whose index file was missing or stale and was rebuilt by scanning.
    public var rebuiltIndexes: [String] = []
    /// Sealed segments verified in full by this (writer) open because they had no valid
    /// verification record; a record was written for each.
    public var verifiedSegments: [String] = []
    /// Sealed segments opened by checking their verification record instead of re-reading them.
    public var recordCheckedSegments = 0
}

/// Opens a log directory: loads sealed segments' index files, scans the active segment, checks
/// that segments chain, and cuts a torn final batch. Corruption before the tail is fatal, with the
/// file and byte offset.
enum LogOpener {
    struct Opened {
        var index: LogIndex
        /// The active segment's index so far (written to disk when the segment is sealed).
        var activeSegmentIndex: SegmentIndexFile?
        var report: RecoveryReport
        /// The largest commit timestamp seen, so new timestamps never go backwards.
        var lastTimestamp: Int64
        /// Sealed segments loaded from their index files, whose event ids are not in `index` yet.
        var sealedIndexes: [SegmentIndexFile] = []
        /// The log's LZ4 dictionary (`lz4.dict`), if it has one.
        var dictionary: LogDictionary?
        /// The active segment's format version (codec 2 only goes into version-2 segments).
        var activeFormatVersion = LogFormat.version
    }

    static func segmentPaths(in directory: String) throws(LogError) -> [(base: Int64, path: String)] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw LogError.io("list", path: directory, errno: Int32((error as NSError).code))
        }
        return names.compactMap { name -> (Int64, String)? in
            guard name.hasSuffix("." + LogFormat.segmentExtension),
                  let base = Int64(name.dropLast(LogFormat.segmentExtension.count + 1)) else { return nil }
            return (base, directory + "/" + name)
        }.sorted { $0.0 < $1.0 }
    }

    static func indexPath(forSegment path: String) -> String {
        String(path.dropLast(LogFormat.segmentExtension.count)) + LogFormat.indexExtension
    }

    static func open(directory: String, writable: Bool) throws(LogError) -> Opened {
        var opened = Opened(index: LogIndex(), activeSegmentIndex: nil, report: RecoveryReport(), lastTimestamp: 0)
        opened.dictionary = try DictionaryFile.load(fromLog: directory)
        let segments = try segmentPaths(in: directory)
        var expectedBase: Int64 = 1
        var previousChain = LogFormat.zeroHash
        for (ordinal, segment) in segments.enumerated() {
            let isLast = ordinal == segments.count - 1
            let file = try FileDescriptor.open(segment.path, writable: false)
            let size = try file.size()
            guard segment.base == expectedBase else {
                throw LogError.corruption(
                    file: segment.path, offset: 0, position: expectedBase,
                    reason: "segment starts at position \(segment.base), expected \(expectedBase) (a segment is missing or misnamed)"
                )
            }
            opened.index.segments.append(SegmentState(basePosition: segment.base, path: segment.path, reader: file, length: LogFormat.segmentHeaderSize))
            let record = !isLast && writable ? SegmentVerificationRecord.load(forSegment: segment.path) : nil
            if !isLast, let (sealed, indexBytes) = loadIndex(segment: segment.path, file: file, size: size, base: segment.base) {
                let headerBytes = try file.read(at: 0, count: LogFormat.segmentHeaderSize)
                let header = try decodeHeader(headerBytes, path: segment.path, position: segment.base)
                guard header.previousChainHash == previousChain else {
                    throw LogError.corruption(file: segment.path, offset: 24, position: segment.base,
                                              reason: "segment header does not continue the previous segment's chain hash")
                }
                // The writer (the server) checks sealed segments before it serves or appends: in
                // full once, then against the verification record that full check left. Read-only
                // openers (replay, stats beside a running server) stay fast, and `verify` checks all.
                if writable {
                    if let record, record.basePosition == segment.base {
                        try check(record, segment: segment.path, file: file, size: size, header: headerBytes,
                                  previousChainHash: previousChain, index: sealed, indexBytes: indexBytes)
                        opened.report.recordCheckedSegments += 1
                    } else {
                        try verifySealed(file, path: segment.path, previousChainHash: previousChain, index: sealed)
                        try SegmentVerificationRecord(index: sealed, indexBytes: indexBytes, header: headerBytes, previousChainHash: previousChain)
                            .write(forSegment: segment.path)
                        opened.report.verifiedSegments.append(segment.path)
                    }
                }
                opened.index.add(sealed: sealed, segment: Int32(ordinal))
                opened.sealedIndexes.append(sealed)
                previousChain = sealed.finalChainHash
                expectedBase = opened.index.head + 1
                continue
            }
            let bytes = try file.readAll()
            var segmentIndex = SegmentIndexFile(basePosition: segment.base, segmentLength: Int64(LogFormat.segmentHeaderSize), finalChainHash: previousChain)
            var lastTimestamp = opened.lastTimestamp
            let scan: SegmentScanner.Result
            do {
                scan = try SegmentScanner.scan(bytes, previousChainHash: previousChain, dictionary: opened.dictionary) { batch, records in
                    segmentIndex.add(batchAt: batch.offset, header: batch.header, records: records.lazy.map { ($0.eventId, $0.stream, $0.streamVersion) })
                    if let last = records.last { lastTimestamp = max(lastTimestamp, last.timestampMicros) }
                }
            } catch {
                throw LogError.corruption(file: segment.path, offset: 0, position: segment.base, reason: error.description)
            }
            opened.lastTimestamp = lastTimestamp
            guard scan.header.basePosition == segment.base else {
                throw LogError.corruption(file: segment.path, offset: 16, position: segment.base,
                                          reason: "header says base position \(scan.header.basePosition), file name says \(segment.base)")
            }
            if let fault = scan.fault {
                if !isLast || fault.followedByValidBatch {
                    throw LogError.corruption(file: segment.path, offset: fault.offset, position: fault.position, reason: fault.reason)
                }
                let torn = RecoveryReport.TornTail(
                    file: segment.path, offset: fault.offset, discardedBytes: bytes.count - fault.offset, reason: fault.reason,
                    firstPosition: fault.position, lastPosition: claimedLastPosition(bytes, at: fault.offset, expected: fault.position)
                )
                opened.report.tornTail = torn
                if writable {
                    let repair = try FileDescriptor.open(segment.path, writable: true)
                    try repair.truncate(to: fault.offset)
                    try repair.sync()
                    // Never silent: the fact of the cut outlives this process (`protalent stats`).
                    try TornTailCut(torn, cutAtMicros: Int64(Date().timeIntervalSince1970 * 1_000_000))
                        .write(to: TornTailCut.path(inLog: directory))
                }
            }
            opened.index.add(batchesOf: segmentIndex, segment: Int32(ordinal))
            opened.index.segments[ordinal].length = scan.validEnd
            previousChain = scan.finalChainHash
            expectedBase = scan.nextPosition
            if isLast {
                opened.activeSegmentIndex = segmentIndex
                opened.activeFormatVersion = scan.header.formatVersion
            } else {
                opened.report.rebuiltIndexes.append(segment.path)
                if writable {
                    // The scan just verified the segment in full: it must still be what its
                    // verification record (if any) says, and the record is rewritten for the new index.
                    if let record, record.basePosition == segment.base {
                        let scanned = (length: Int64(scan.validEnd), last: scan.nextPosition - 1, hash: scan.finalChainHash)
                        guard scanned.length == record.segmentLength, Int64(bytes.count) == record.segmentLength,
                              scanned.last == record.lastPosition, scanned.hash == record.finalChainHash else {
                            throw recordMismatch(
                                segment.path, offset: min(scan.validEnd, Int(record.segmentLength)),
                                position: min(scan.nextPosition, record.lastPosition + 1),
                                "it ends at byte \(bytes.count) and position \(scanned.last), the record says byte \(record.segmentLength) and position \(record.lastPosition)")
                        }
                    }
                    let indexBytes = try segmentIndex.write(to: indexPath(forSegment: segment.path))
                    // (A sealed segment always ends at its last batch; if zeros follow, no record is
                    // written and the next open scans it again.)
                    if scan.validEnd == bytes.count {
                        let verified = SegmentVerificationRecord(
                            index: segmentIndex, indexBytes: indexBytes, header: Array(bytes[0..<LogFormat.segmentHeaderSize]),
                            previousChainHash: scan.header.previousChainHash
                        )
                        try verified.write(forSegment: segment.path)
                    }
                    opened.report.verifiedSegments.append(segment.path)
                }
            }
        }
        opened.index.chainHash = previousChain
        return opened
    }

    static func readHeader(_ file: FileDescriptor, path: String, position: Int64? = nil) throws(LogError) -> SegmentHeader {
        try decodeHeader(try file.read(at: 0, count: LogFormat.segmentHeaderSize), path: path, position: position)
    }

    static func decodeHeader(_ bytes: [UInt8], path: String, position: Int64?) throws(LogError) -> SegmentHeader {
        do {
            return try bytes.withUnsafeBytes { raw in try Result { () throws(FormatError) in try SegmentHeader.decode(raw) }.get() }
        } catch {
            throw LogError.corruption(file: path, offset: 0, position: position, reason: "\(error)")
        }
    }

    /// Checks a sealed segment's bytes: every batch's checksum and place in the hash chain, ending on
    /// the chain hash and position its index file records.
    ///
    /// The index file makes opening fast (no record decoding), but it only describes the segment.
    /// Hashing costs one sequential read of the segment, no decompression: done once per sealed
    /// segment (when it is sealed, or first opened without a verification record), then recorded.
    private static func verifySealed(
        _ file: FileDescriptor, path: String, previousChainHash: [UInt8], index: SegmentIndexFile
    ) throws(LogError) {
        try verifySealed(try file.readAll(), path: path, previousChainHash: previousChainHash, index: index)
    }

    private static func verifySealed(
        _ bytes: [UInt8], path: String, previousChainHash: [UInt8], index: SegmentIndexFile
    ) throws(LogError) {
        let scan: SegmentScanner.Result
        do {
            scan = try SegmentScanner.scan(bytes, previousChainHash: previousChainHash)
        } catch {
            throw LogError.corruption(file: path, offset: 0, position: index.basePosition, reason: error.description)
        }
        if let fault = scan.fault {
            throw LogError.corruption(file: path, offset: fault.offset, position: fault.position, reason: "sealed segment: \(fault.reason)")
        }
        guard scan.finalChainHash == index.finalChainHash, scan.validEnd == bytes.count else {
            throw LogError.corruption(file: path, offset: scan.validEnd, position: scan.nextPosition,
                                      reason: "sealed segment does not end where its index file says")
        }
    }

    /// A sealed segment's index and its bytes, when present and consistent with the segment file.
    private static func loadIndex(segment path: String, file: FileDescriptor, size: Int, base: Int64) -> (SegmentIndexFile, [UInt8])? {
        guard let indexFile = try? FileDescriptor.open(indexPath(forSegment: path), writable: false),
              let bytes = try? indexFile.readAll(),
              let index = try? SegmentIndexFile.decode(bytes),
              index.basePosition == base, index.segmentLength == Int64(size) else { return nil }
        return (index, bytes)
    }

    /// The last position a torn batch's header claims, when the header is whole and starts where
    /// the log continues.
    private static func claimedLastPosition(_ bytes: [UInt8], at offset: Int, expected: Int64) -> Int64? {
        guard bytes.count - offset >= LogFormat.batchHeaderSize else { return nil }
        let header = bytes.withUnsafeBytes { raw in
            try? BatchHeader.decode(UnsafeRawBufferPointer(rebasing: raw[offset..<offset + LogFormat.batchHeaderSize]))
        }
        guard let header, header.firstPosition == expected else { return nil }
        return header.lastPosition
    }

    private static func recordMismatch(_ path: String, offset: Int, position: Int64?, _ why: String) -> LogError {
        .corruption(file: path, offset: offset, position: position,
                    reason: "sealed segment no longer matches its verification record \(SegmentVerificationRecord.path(forSegment: path)): \(why)")
    }

    /// The start-up check of a sealed segment that was verified in full before: its size, header,
    /// index file and last batch (checksum, position, and chain hash from the batch before it) must
    /// be what its verification record says. It reads two batches, not the segment: a byte changed
    /// in an earlier batch whose size is unchanged is found by `protalent verify` or the scrub, and
    /// by any read of that batch (every read checks the batch's checksum), not here.
    private static func check(
        _ record: SegmentVerificationRecord, segment path: String, file: FileDescriptor, size: Int, header: [UInt8],
        previousChainHash: [UInt8], index: SegmentIndexFile, indexBytes: [UInt8]
    ) throws(LogError) {
        guard record.segmentLength == Int64(size) else {
            throw recordMismatch(path, offset: min(size, Int(record.segmentLength)), position: nil,
                                 "the segment is \(size) bytes, the record says \(record.segmentLength)")
        }
        guard record.headerChecksum == CRC32C.checksum(header), record.previousChainHash == previousChainHash else {
            throw recordMismatch(path, offset: 0, position: record.basePosition, "the segment header is not the one verified")
        }
        let indexLast = index.batches.last.map { $0.firstPosition + Int64($0.count) - 1 } ?? index.basePosition - 1
        guard record.indexChecksum == CRC32C.checksum(indexBytes), record.finalChainHash == index.finalChainHash,
              record.lastPosition == indexLast, record.eventCount == Int64(index.records.count) else {
            throw recordMismatch(path, offset: 0, position: record.basePosition,
                                 "its index file \(indexPath(forSegment: path)) is not the one verified with it")
        }
        guard let last = index.batches.last else { return }
        guard last.offset == record.lastBatchOffset, Int(last.offset) + Int(last.size) == size else {
            throw recordMismatch(path, offset: Int(last.offset), position: last.firstPosition, "the last batch is not where the record says")
        }
        var previous = record.previousChainHash
        if index.batches.count > 1 {
            let before = index.batches[index.batches.count - 2]
            let beforeHeader = try file.read(at: Int(before.offset), count: LogFormat.batchHeaderSize)
            guard beforeHeader.count == LogFormat.batchHeaderSize else {
                throw recordMismatch(path, offset: Int(before.offset), position: before.firstPosition, "the batch before the last is truncated")
            }
            previous = Array(beforeHeader[32..<32 + LogFormat.hashSize])
        }
        let bytes = try file.read(at: Int(last.offset), count: Int(last.size))
        let checked = bytes.withUnsafeBytes { raw in
            Result { () throws(FormatError) in
                try SegmentScanner.checkBatch(raw, at: 0, expectedPosition: last.firstPosition, previousChainHash: previous, hasher: nil)
            }
        }
        switch checked {
        case .failure(let error):
            throw recordMismatch(path, offset: Int(last.offset), position: last.firstPosition, "its last batch: \(error)")
        case .success(let batch) where batch.chainHash != record.finalChainHash || batch.totalSize != bytes.count:
            throw recordMismatch(path, offset: Int(last.offset), position: last.firstPosition, "its last batch does not end on the recorded chain hash")
        case .success:
            return
        }
    }

    /// Verifies a segment sealed just now in full (every batch's checksum and chain, ending where
    /// its index says) and writes its verification record; run by the writer in the background.
    static func verifyAndRecord(segment path: String, index: SegmentIndexFile, indexBytes: [UInt8]) throws(LogError) {
        let file = try FileDescriptor.open(path, writable: false)
        let bytes = try file.readAll()
        let header = try decodeHeader(Array(bytes.prefix(LogFormat.segmentHeaderSize)), path: path, position: index.basePosition)
        try verifySealed(bytes, path: path, previousChainHash: header.previousChainHash, index: index)
        try SegmentVerificationRecord(
            index: index, indexBytes: indexBytes, header: Array(bytes[0..<LogFormat.segmentHeaderSize]), previousChainHash: header.previousChainHash
        ).write(forSegment: path)
    }

}
