import Foundation

/// Where one stored batch lives.
struct BatchLocation: Sendable {
    var firstPosition: Int64
    var count: Int32
    var segment: Int32
    var offset: Int64
    var size: Int32

    var lastPosition: Int64 { firstPosition + Int64(count) - 1 }
}

/// One segment file as the readers see it.
struct SegmentState: Sendable {
    var basePosition: Int64
    var path: String
    var reader: FileDescriptor
    /// Bytes of valid batches (plus header); grows while the segment is active.
    var length: Int
}

/// The in-memory index of everything durable: segments, batches, streams and event ids.
///
/// Rebuilt on open from the sealed segments' index files plus a scan of the active segment. It holds
/// only what was fsynced: the writer publishes a batch here after the fsync returns.
struct LogIndex: Sendable {
    var segments: [SegmentState] = []
    var batches: [BatchLocation] = []
    /// Each stream's positions, in version order (the version of `positions[i]` is `i + 1`).
    var streams: [String: [Int64]] = [:]
    var eventIds = EventIdTable()
    var head: Int64 = 0
    var chainHash: [UInt8] = LogFormat.zeroHash
    var storedBytes: Int = 0
    var rawBytes: Int = 0

    func version(of stream: String) -> Int64 {
        Int64(streams[stream]?.count ?? 0)
    }

    mutating func add(batch: BatchLocation, rawLength: Int, chainHash: [UInt8], records: some Sequence<(UUID, String, Int64)>) {
        var position = batch.firstPosition
        for (eventId, stream, _) in records {
            streams[stream, default: []].append(position)
            eventIds.insert(eventId, position: position)
            position += 1
        }
        batches.append(batch)
        head = batch.lastPosition
        self.chainHash = chainHash
        storedBytes += Int(batch.size)
        rawBytes += rawLength
        segments[Int(batch.segment)].length = Int(batch.offset) + Int(batch.size)
    }

    /// Adds a sealed segment's index in one pass: positions are grouped by stream number first, so
    /// each stream name is hashed once per segment rather than once per event.
    ///
    /// Event ids are left out: they only serve the writer's idempotency check, so read-only openers
    /// never need them and the writer loads them with `addEventIds(of:)` on its own thread.
    mutating func add(sealed segmentIndex: SegmentIndexFile, segment: Int32) {
        var positionsByStream = [[Int64]](repeating: [], count: segmentIndex.streams.count)
        var cursor = 0
        batches.reserveCapacity(batches.count + segmentIndex.batches.count)
        for batch in segmentIndex.batches {
            var position = batch.firstPosition
            for record in segmentIndex.records[cursor..<cursor + Int(batch.count)] {
                positionsByStream[Int(record.stream)].append(position)
                position += 1
            }
            cursor += Int(batch.count)
            let location = BatchLocation(firstPosition: batch.firstPosition, count: Int32(batch.count), segment: segment, offset: batch.offset, size: Int32(batch.size))
            batches.append(location)
            head = location.lastPosition
            storedBytes += Int(batch.size)
            rawBytes += Int(batch.rawLength)
            segments[Int(segment)].length = Int(batch.offset) + Int(batch.size)
        }
        for (number, positions) in positionsByStream.enumerated() {
            streams[segmentIndex.streams[number], default: []].append(contentsOf: positions)
        }
        chainHash = segmentIndex.finalChainHash
    }

    /// Adds a scanned segment's batches together with its event ids.
    mutating func add(batchesOf segmentIndex: SegmentIndexFile, segment: Int32) {
        add(sealed: segmentIndex, segment: segment)
        Self.eventIds(of: [segmentIndex], into: &eventIds)
    }

    /// The event ids of sealed segments added by `add(sealed:segment:)`, into a table.
    static func eventIds(of sealed: [SegmentIndexFile], into table: inout EventIdTable) {
        table.reserveCapacity(table.count + sealed.reduce(0) { $0 + $1.records.count })
        for segmentIndex in sealed {
            var position = segmentIndex.basePosition
            for record in segmentIndex.records {
                table.insert(record.eventId, position: position)
                position += 1
            }
        }
    }

    /// The index in `batches` of the batch holding `position`, if stored.
    func batchIndex(containing position: Int64) -> Int? {
        guard position >= 1, position <= head else { return nil }
        var low = 0
        var high = batches.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let batch = batches[middle]
            if position < batch.firstPosition {
                high = middle - 1
            } else if position > batch.lastPosition {
                low = middle + 1
            } else {
                return middle
            }
        }
        return nil
    }
}
