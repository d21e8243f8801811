import Foundation

/// The outcome of checking a whole log.
public struct VerificationReport: Sendable, Equatable {
    /// The first fault found: where, at which position, and why.
    public struct Fault: Sendable, Equatable, CustomStringConvertible {
        /// The segment file.
        public var file: String
        /// The byte offset in that file where the bad batch (or header) starts.
        public var offset: Int
        /// The first position the bad batch held or should have held.
        public var position: Int64
        /// What is wrong.
        public var reason: String

        public var description: String { "\(file) at byte offset \(offset) (position \(position)): \(reason)" }
    }

    /// Segment files checked.
    public var segments = 0
    /// Batches whose checksum and chain hash were verified.
    public var batches = 0
    /// Events decoded and checked.
    public var events: Int64 = 0
    /// Sealed segments that have a verification record and still match it.
    public var recordsMatched = 0
    /// The chain hash after the last valid batch.
    public var headChainHash = LogFormat.zeroHash
    /// Corruption before the tail, or a broken chain: the log is not intact.
    public var fault: Fault?
    /// A torn final batch: recoverable (the writer cuts it off on open), so still intact.
    public var tornTail: Fault?

    /// True when every checksum and the whole chain verified (a torn tail is allowed).
    public var isIntact: Bool { fault == nil }
}

/// Checks every batch of every segment: structure, checksum, positions, hash chain across batches
/// and segments, record decoding, and per-stream version continuity. Reads files only; works beside
/// a running writer (the batch being written at that moment shows as a torn tail).
public enum LogVerifier {
    /// Verifies the log in `directory`; `progress` is called after each segment with events checked.
    public static func verify(directory: String, progress: ((Int64) -> Void)? = nil) throws(LogError) -> VerificationReport {
        var report = VerificationReport()
        let segments = try LogOpener.segmentPaths(in: directory)
        var previousChain = LogFormat.zeroHash
        var expectedBase: Int64 = 1
        var streamVersions: [String: Int64] = [:]
        var eventIds = Set<UUID>()
        let dictionary: LogDictionary?
        switch try DictionaryFile.read(fromLog: directory) {
        case .success(let stored):
            dictionary = stored
        case .failure(let damage):
            report.fault = .init(file: DictionaryFile.path(inLog: directory), offset: damage.offset, position: 1, reason: damage.description)
            return report
        }
        for (ordinal, segment) in segments.enumerated() {
            let isLast = ordinal == segments.count - 1
            report.segments += 1
            let bytes = try FileDescriptor.open(segment.path, writable: false).readAll()
            var recordFault: VerificationReport.Fault?
            let scan: SegmentScanner.Result
            do {
                scan = try SegmentScanner.scan(bytes, previousChainHash: previousChain, dictionary: dictionary) { batch, records in
                    guard recordFault == nil else { return }
                    for record in records {
                        let expected = (streamVersions[record.stream] ?? 0) + 1
                        if record.streamVersion != expected {
                            recordFault = .init(file: segment.path, offset: batch.offset, position: record.position,
                                                reason: "stream '\(record.stream)' jumps to version \(record.streamVersion), expected \(expected)")
                            return
                        }
                        if !eventIds.insert(record.eventId).inserted {
                            recordFault = .init(file: segment.path, offset: batch.offset, position: record.position,
                                                reason: "event id \(record.eventId) is stored twice")
                            return
                        }
                        streamVersions[record.stream] = expected
                    }
                }
            } catch {
                report.fault = .init(file: segment.path, offset: 0, position: expectedBase, reason: "segment header: \(error)")
                return report
            }
            if let recordFault {
                report.fault = recordFault
                return report
            }
            if scan.header.basePosition != expectedBase || segment.base != expectedBase {
                report.fault = .init(file: segment.path, offset: 16, position: expectedBase,
                                     reason: "segment starts at position \(scan.header.basePosition), expected \(expectedBase)")
                return report
            }
            if !isLast, let record = SegmentVerificationRecord.load(forSegment: segment.path), record.basePosition == segment.base {
                // What the writer's start-up trusts: the segment must still be what it was when verified.
                let lastPosition = scan.nextPosition - 1
                if Int64(bytes.count) != record.segmentLength || scan.finalChainHash != record.finalChainHash
                    || lastPosition != record.lastPosition || scan.header.previousChainHash != record.previousChainHash {
                    report.fault = .init(
                        file: segment.path, offset: min(bytes.count, Int(record.segmentLength)), position: min(scan.nextPosition, record.lastPosition + 1),
                        reason: "the segment no longer matches its verification record \(SegmentVerificationRecord.path(forSegment: segment.path)) "
                            + "(it is \(bytes.count) bytes ending at position \(lastPosition); the record says \(record.segmentLength) bytes ending at \(record.lastPosition))"
                    )
                    return report
                }
                report.recordsMatched += 1
            }
            report.batches += scan.batches.count
            report.events += scan.eventCount
            report.headChainHash = scan.finalChainHash
            previousChain = scan.finalChainHash
            expectedBase = scan.nextPosition
            if let fault = scan.fault {
                let located = VerificationReport.Fault(file: segment.path, offset: fault.offset, position: fault.position, reason: fault.reason)
                if isLast && !fault.followedByValidBatch {
                    report.tornTail = located
                } else {
                    report.fault = located
                    return report
                }
            }
            progress?(report.events)
        }
        return report
    }
}
