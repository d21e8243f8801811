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
    }

    /// The torn tail, if there was one.
    public var tornTail: TornTail?
    /// Segments whose index file was missing or stale and was rebuilt by scanning.
    public var rebuiltIndexes: [String] = []
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
            if !isLast, let sealed = loadIndex(segment: segment.path, file: file, size: size, base: segment.base) {
                let header = try readHeader(file, path: segment.path, position: segment.base)
                guard header.previousChainHash == previousChain else {
                    throw LogError.corruption(file: segment.path, offset: 24, position: segment.base,
                                              reason: "segment header does not continue the previous segment's chain hash")
                }
                // The writer (the server) checks sealed bytes before it serves or appends; read-only
                // openers (replay, stats beside a running server) stay fast, and `verify` checks all.
                if writable { try verifySealed(file, path: segment.path, previousChainHash: previousChain, index: sealed) }
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
                scan = try SegmentScanner.scan(bytes, previousChainHash: previousChain) { batch, records in
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
                opened.report.tornTail = .init(file: segment.path, offset: fault.offset, discardedBytes: bytes.count - fault.offset, reason: fault.reason)
                if writable {
                    let repair = try FileDescriptor.open(segment.path, writable: true)
                    try repair.truncate(to: fault.offset)
                    try repair.sync()
                }
            }
            opened.index.add(batchesOf: segmentIndex, segment: Int32(ordinal))
            opened.index.segments[ordinal].length = scan.validEnd
            previousChain = scan.finalChainHash
            expectedBase = scan.nextPosition
            if isLast {
                opened.activeSegmentIndex = segmentIndex
            } else {
                opened.report.rebuiltIndexes.append(segment.path)
                if writable { try segmentIndex.write(to: indexPath(forSegment: segment.path)) }
            }
        }
        opened.index.chainHash = previousChain
        return opened
    }

    static func readHeader(_ file: FileDescriptor, path: String, position: Int64? = nil) throws(LogError) -> SegmentHeader {
        let bytes = try file.read(at: 0, count: LogFormat.segmentHeaderSize)
        do {
            return try bytes.withUnsafeBytes { raw in try Result { () throws(FormatError) in try SegmentHeader.decode(raw) }.get() }
        } catch {
            throw LogError.corruption(file: path, offset: 0, position: position, reason: "\(error)")
        }
    }

    /// Checks a sealed segment's bytes: every batch's checksum and place in the hash chain, ending on
    /// the chain hash and position its index file records.
    ///
    /// The index file makes opening fast (no record decoding), but it only describes the segment: a
    /// byte changed in a sealed segment would otherwise go unnoticed until a read decoded that batch,
    /// and the server would serve from a log `protalent verify` calls corrupt. Hashing costs one
    /// sequential read of the log per open, no decompression.
    private static func verifySealed(
        _ file: FileDescriptor, path: String, previousChainHash: [UInt8], index: SegmentIndexFile
    ) throws(LogError) {
        let bytes = try file.readAll()
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

    /// A sealed segment's index, when present and consistent with the segment file.
    private static func loadIndex(segment path: String, file: FileDescriptor, size: Int, base: Int64) -> SegmentIndexFile? {
        guard let indexFile = try? FileDescriptor.open(indexPath(forSegment: path), writable: false),
              let bytes = try? indexFile.readAll(),
              let index = try? SegmentIndexFile.decode(bytes),
              index.basePosition == base, index.segmentLength == Int64(size) else { return nil }
        return index
    }

}
