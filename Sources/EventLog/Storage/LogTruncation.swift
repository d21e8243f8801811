import Foundation

/// What `EventLog.truncate(directory:after:)` cut: the events after the new head, and the segment
/// files it removed or shortened.
public struct LogTruncation: Sendable {
    /// The log's head after the cut (the position the cut was asked after, when it was stored).
    public var head: Int64
    /// The events cut off, in order (empty when there was nothing after `head`).
    public var cutEvents: [RecordedEvent]
    /// Segment files removed whole (with their index files and verification records).
    public var removedSegments: [String]
    /// The segment file shortened to end at `head`'s batch, if the cut fell inside one.
    public var shortenedSegment: String?
}

extension EventLog {
    /// Cuts a closed log after `position`, durably: every batch after it goes, so the log is its
    /// own prefix up to `position` and the next append (or replicated batch) continues its chain
    /// from there. A former primary's way back into a cluster (`protalent rejoin`).
    ///
    /// Segments wholly after the cut are removed, highest first, then the segment holding the cut
    /// is shortened (its index file and verification record removed: it is the active segment
    /// again, scanned on open), then the directory is synced. A crash at any step leaves a valid
    /// prefix of the log, so running the cut again finishes it.
    ///
    /// - Throws: `.locked` while a writer holds the log, `.invalidAppend` when `position` is not the
    ///   end of a batch (a cut never splits a batch, which is fsync-atomic and chain-hashed whole),
    ///   `.corruption` or `.io` as opening does.
    public static func truncate(directory: String, after position: Int64) throws(LogError) -> LogTruncation {
        let lock = try FileDescriptor.open(directory + "/LOCK", writable: true, create: true)
        guard try lock.tryLockExclusive() else { throw LogError.locked(path: directory) }
        defer { lock.unlock() }
        let opened = try LogOpener.open(directory: directory, writable: false)
        let index = opened.index
        guard position >= 0 else { throw LogError.invalidAppend("a cut position is 0 or more, not \(position)") }
        guard position < index.head else {
            return LogTruncation(head: index.head, cutEvents: [], removedSegments: [])
        }
        guard let first = index.batchIndex(containing: position + 1), index.batches[first].firstPosition == position + 1 else {
            throw LogError.invalidAppend("position \(position) is inside a batch: a log is cut only between batches")
        }
        // The events first, while the log is whole: they are what the caller reports.
        let reader = try EventLog.openReadOnly(directory: directory, cachedBatches: 4)
        var cut: [RecordedEvent] = []
        var next = position + 1
        while next <= index.head {
            let events = try reader.read(from: next, maxCount: 4_096, caching: false)
            guard let last = events.last else { break }
            cut += events
            next = last.position + 1
        }
        reader.close()

        let cutBatch = index.batches[first]
        let cutSegment = Int(cutBatch.segment)
        var removed: [String] = []
        for segment in index.segments[cutSegment...].reversed() where segment.basePosition > position {
            try removeSegment(segment.path)
            removed.append(segment.path)
        }
        var shortened: String?
        let holder = index.segments[cutSegment]
        if holder.basePosition <= position {
            try removeSidecars(of: holder.path)
            let file = try FileDescriptor.open(holder.path, writable: true)
            try file.truncate(to: Int(cutBatch.offset))
            try file.sync()
            shortened = holder.path
        }
        try FileDescriptor.syncDirectory(directory)
        return LogTruncation(head: position, cutEvents: cut, removedSegments: removed.reversed(), shortenedSegment: shortened)
    }

    private static func removeSidecars(of segment: String) throws(LogError) {
        for path in [SegmentVerificationRecord.path(forSegment: segment), LogOpener.indexPath(forSegment: segment)] {
            guard unlink(path) == 0 || errno == ENOENT else { throw LogError.io("unlink", path: path, errno: errno) }
        }
    }

    private static func removeSegment(_ path: String) throws(LogError) {
        try removeSidecars(of: path)
        guard unlink(path) == 0 || errno == ENOENT else { throw LogError.io("unlink", path: path, errno: errno) }
    }
}
