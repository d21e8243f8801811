internal import Cryptography

/// Turns the records of one or more appends into a sealed batch (compressed, checksummed, chained),
/// and a stored batch back into records.
enum BatchPayload {
    /// A batch ready to be written: its header and its full bytes (header followed by payload).
    struct Sealed {
        var header: BatchHeader
        var bytes: [UInt8]
    }

    /// Seals `raw` records as the batch that follows `previousChainHash`.
    ///
    /// - Parameters:
    ///   - compressionLevel: `nil` stores raw, 0 is LZ4's fast mode, 1...12 LZ4 HC.
    ///   - dictionary: with level 0, compresses against the log's dictionary (codec 2).
    static func seal(
        raw: [UInt8], firstPosition: Int64, recordCount: Int, previousChainHash: [UInt8],
        compressionLevel: Int?, dictionary: LZ4DictionaryCompressor? = nil, hasher: SHA256Chain
    ) -> Sealed {
        var codec = BatchCodec.none
        var tag: UInt16 = 0
        var stored = raw
        if compressionLevel == 0, let dictionary, let compressed = dictionary.compress(raw) {
            codec = .lz4Dictionary
            tag = dictionary.dictionary.tag
            stored = compressed
        } else if let level = compressionLevel, let compressed = LZ4Block.compress(raw, level: level) {
            codec = .lz4Block
            stored = compressed
        }
        var header = BatchHeader(
            storedLength: UInt32(stored.count), rawLength: UInt32(raw.count), codec: codec, dictionaryTag: tag,
            firstPosition: firstPosition, recordCount: UInt32(recordCount), checksum: 0, chainHash: []
        )
        let prefix = header.prefix()
        stored.withUnsafeBytes { payload in
            header.chainHash = hasher.chain(previous: previousChainHash, prefix: prefix, payload: payload)
            header.checksum = BatchHeader.computeChecksum(prefix: prefix, chainHash: header.chainHash, payload: payload)
        }
        var bytes = header.encoded()
        bytes.reserveCapacity(bytes.count + stored.count)
        bytes.append(contentsOf: stored)
        return Sealed(header: header, bytes: bytes)
    }

    /// Decodes the batch's records onto the end of `events`; `dictionary` is the log's (needed
    /// for codec 2 only).
    static func decode(
        _ stored: UnsafeRawBufferPointer, header: BatchHeader, dictionary: LogDictionary?, into events: inout [RecordedEvent]
    ) throws(FormatError) {
        let usedDictionary: LogDictionary?
        switch header.codec {
        case .none:
            guard stored.count == Int(header.rawLength) else { throw FormatError("raw batch length mismatch") }
            try RecordCodec.decode(stored, firstPosition: header.firstPosition, count: Int(header.recordCount), into: &events)
            return
        case .lz4Block:
            usedDictionary = nil
        case .lz4Dictionary:
            try checkDictionary(of: header, against: dictionary)
            usedDictionary = dictionary
        }
        let raw = try LZ4Block.decompress(stored, rawLength: Int(header.rawLength), dictionary: usedDictionary)
        let decoded = raw.withUnsafeBytes { bytes in
            Result { () throws(FormatError) in
                try RecordCodec.decode(bytes, firstPosition: header.firstPosition, count: Int(header.recordCount), into: &events)
            }
        }
        try decoded.get()
    }
}

extension BatchPayload {
    /// Refuses a codec-2 batch when the log has no dictionary or another one (its tag differs).
    static func checkDictionary(of header: BatchHeader, against dictionary: LogDictionary?) throws(FormatError) {
        guard header.codec == .lz4Dictionary else { return }
        guard let dictionary else {
            throw FormatError("the batch was compressed with an LZ4 dictionary (tag \(header.dictionaryTag)) and the log has none (\(DictionaryFile.name) is missing)")
        }
        guard dictionary.tag == header.dictionaryTag else {
            throw FormatError("the batch was compressed with LZ4 dictionary tag \(header.dictionaryTag), the log's \(DictionaryFile.name) has tag \(dictionary.tag)")
        }
    }
}

/// The chain hash step, SHA-256(previous ‖ header prefix ‖ stored payload), reusing one context.
/// Not thread-safe: each thread (writer, scanner) owns its own.
final class SHA256Chain {
    private let sha = SHA256()

    func chain(previous: [UInt8], prefix: [UInt8], payload: UnsafeRawBufferPointer) -> [UInt8] {
        sha.update(previous)
        sha.update(prefix)
        sha.update(payload)
        return sha.finalize()
    }
}
