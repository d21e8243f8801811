/// Walks the batches of one segment file in memory, checking each batch's structure, checksum,
/// positions and place in the hash chain, and stops at the first batch that fails.
///
/// Whether a failure is a torn tail (recoverable) or corruption (fatal) is the caller's decision;
/// the scan only reports where it stopped and whether a valid batch follows that point.
struct SegmentScanner {
    /// A batch that passed every check.
    struct Batch {
        var offset: Int
        var header: BatchHeader
    }

    /// The first batch that failed, and why.
    struct Fault: Equatable {
        var offset: Int
        /// The first position the failed batch should have held.
        var position: Int64
        var reason: String
        /// True when a valid batch starts somewhere after the fault: then the fault cannot be a torn
        /// final write, since nothing is ever written after the batch being written.
        var followedByValidBatch: Bool
    }

    struct Result {
        var header: SegmentHeader
        var batches: [Batch]
        /// The offset just past the last valid batch.
        var validEnd: Int
        /// The chain hash after the last valid batch.
        var finalChainHash: [UInt8]
        /// The position the next batch must start at.
        var nextPosition: Int64
        var fault: Fault?
        var eventCount: Int64 { nextPosition - header.basePosition }
    }

    /// Scans `bytes`, the whole content of a segment.
    ///
    /// - Parameters:
    ///   - previousChainHash: the chain hash the segment must continue (the previous segment's final
    ///     hash); `nil` trusts the segment header's copy.
    ///   - dictionary: the log's LZ4 dictionary, to decode codec-2 batches.
    ///   - decodeRecords: when set, every valid batch is decompressed and its records decoded and
    ///     handed over; a batch whose records do not decode is a fault.
    /// - Throws: when the segment header itself is unreadable.
    static func scan(
        _ bytes: [UInt8],
        previousChainHash: [UInt8]?,
        dictionary: LogDictionary? = nil,
        decodeRecords: ((Batch, [RecordedEvent]) -> Void)? = nil
    ) throws(FormatError) -> Result {
        let outcome = bytes.withUnsafeBytes { raw in Swift.Result { () throws(FormatError) -> Result in
            let header = try SegmentHeader.decode(raw)
            if let previousChainHash, previousChainHash != header.previousChainHash {
                throw FormatError("segment header does not continue the previous segment's chain hash")
            }
            var result = Result(
                header: header, batches: [], validEnd: LogFormat.segmentHeaderSize,
                finalChainHash: header.previousChainHash, nextPosition: header.basePosition, fault: nil
            )
            let hasher = SHA256Chain()
            var dictionaryFault: FormatError?
            var offset = LogFormat.segmentHeaderSize
            while offset < raw.count {
                // The writer zero-fills space ahead of the active segment's tail (see
                // `LogWriter.ensureZeroedSpace`): a tail of zeros is where the data ends, not damage.
                if isZero(raw, from: offset) { break }
                do throws(FormatError) {
                    let batch = try checkBatch(
                        raw, at: offset, expectedPosition: result.nextPosition,
                        previousChainHash: result.finalChainHash, hasher: hasher
                    )
                    if let decodeRecords {
                        // A batch whose checksum and chain hold but whose dictionary is missing or
                        // another log's is not a torn write: it must never be cut off as one.
                        if case .failure(let error) = Swift.Result(catching: { () throws(FormatError) in
                            try BatchPayload.checkDictionary(of: batch, against: dictionary)
                        }) {
                            dictionaryFault = FormatError("batch at byte offset \(offset) (position \(batch.firstPosition)): \(error)")
                            break
                        }
                        let records = try decodePayload(raw, batch: batch, at: offset, dictionary: dictionary)
                        decodeRecords(Batch(offset: offset, header: batch), records)
                    }
                    result.batches.append(Batch(offset: offset, header: batch))
                    result.finalChainHash = batch.chainHash
                    result.nextPosition = batch.lastPosition + 1
                    offset += batch.totalSize
                    result.validEnd = offset
                } catch {
                    result.fault = Fault(
                        offset: offset, position: result.nextPosition, reason: error.description,
                        followedByValidBatch: containsValidBatch(raw, after: offset)
                    )
                    break
                }
            }
            if let dictionaryFault { throw dictionaryFault }
            return result
        } }
        return try outcome.get()
    }

    /// Checks the batch at `offset`: header, bounds, checksum, positions and chain hash.
    static func checkBatch(
        _ raw: UnsafeRawBufferPointer, at offset: Int, expectedPosition: Int64?,
        previousChainHash: [UInt8]?, hasher: SHA256Chain?
    ) throws(FormatError) -> BatchHeader {
        let available = raw.count - offset
        guard available >= LogFormat.batchHeaderSize else {
            throw FormatError("incomplete batch header (\(available) of \(LogFormat.batchHeaderSize) bytes)")
        }
        let header = try BatchHeader.decode(UnsafeRawBufferPointer(rebasing: raw[offset..<offset + LogFormat.batchHeaderSize]))
        guard header.totalSize <= available else {
            throw FormatError("incomplete batch: \(header.totalSize) bytes declared, \(available) present")
        }
        let payloadStart = offset + LogFormat.batchHeaderSize
        let payload = UnsafeRawBufferPointer(rebasing: raw[payloadStart..<payloadStart + Int(header.storedLength)])
        // The stored bytes, not a re-encoding of the decoded fields: every byte must be covered.
        let prefix = Array(raw[offset..<offset + 28])
        let checksum = BatchHeader.computeChecksum(prefix: prefix, chainHash: header.chainHash, payload: payload)
        guard checksum == header.checksum else { throw FormatError("batch checksum mismatch") }
        if let expectedPosition, header.firstPosition != expectedPosition {
            throw FormatError("batch starts at position \(header.firstPosition), expected \(expectedPosition)")
        }
        if let previousChainHash {
            let chain = (hasher ?? SHA256Chain()).chain(previous: previousChainHash, prefix: prefix, payload: payload)
            guard chain == header.chainHash else {
                throw FormatError("hash chain broken: the batch does not follow the previous batch")
            }
        }
        return header
    }

    /// Decompresses a checked batch and decodes its records.
    static func decodePayload(
        _ raw: UnsafeRawBufferPointer, batch: BatchHeader, at offset: Int, dictionary: LogDictionary?
    ) throws(FormatError) -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        try decodePayload(raw, batch: batch, at: offset, dictionary: dictionary, into: &events)
        return events
    }

    /// Decodes the payload of the checked batch at `offset` onto the end of `events`.
    static func decodePayload(_ raw: UnsafeRawBufferPointer, batch: BatchHeader, at offset: Int, dictionary: LogDictionary?,
                              into events: inout [RecordedEvent]) throws(FormatError) {
        let start = offset + LogFormat.batchHeaderSize
        let stored = UnsafeRawBufferPointer(rebasing: raw[start..<start + Int(batch.storedLength)])
        try BatchPayload.decode(stored, header: batch, dictionary: dictionary, into: &events)
    }

    /// Whether every byte from `offset` to the end is zero.
    static func isZero(_ raw: UnsafeRawBufferPointer, from offset: Int) -> Bool {
        guard raw[offset] == 0 else { return false } // the common case: a batch magic
        var index = offset
        while index + 8 <= raw.count {
            if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) != 0 { return false }
            index += 8
        }
        while index < raw.count {
            if raw[index] != 0 { return false }
            index += 1
        }
        return true
    }

    /// Whether any offset after `offset` starts a batch whose header and checksum are valid.
    static func containsValidBatch(_ raw: UnsafeRawBufferPointer, after offset: Int) -> Bool {
        let magic = withUnsafeBytes(of: LogFormat.batchMagic.littleEndian) { Array($0) }
        var candidate = offset + 1
        while candidate + LogFormat.batchHeaderSize <= raw.count {
            if raw[candidate] == magic[0], raw[candidate + 1] == magic[1], raw[candidate + 2] == magic[2], raw[candidate + 3] == magic[3],
               (try? checkBatch(raw, at: candidate, expectedPosition: nil, previousChainHash: nil, hasher: nil)) != nil {
                return true
            }
            candidate += 1
        }
        return false
    }
}
