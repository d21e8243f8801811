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
    /// - Parameter compressionLevel: `nil` stores raw, 0 is LZ4's fast mode, 1...12 LZ4 HC.
    static func seal(
        raw: [UInt8], firstPosition: Int64, recordCount: Int, previousChainHash: [UInt8],
        compressionLevel: Int?, hasher: SHA256Chain
    ) -> Sealed {
        var codec = BatchCodec.none
        var stored = raw
        if let level = compressionLevel, let compressed = LZ4Block.compress(raw, level: level) {
            codec = .lz4Block
            stored = compressed
        }
        var header = BatchHeader(
            storedLength: UInt32(stored.count), rawLength: UInt32(raw.count), codec: codec,
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

    /// Decodes the records of a stored payload whose checksum was already verified.
    static func decode(_ stored: UnsafeRawBufferPointer, header: BatchHeader) throws(FormatError) -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        try decode(stored, header: header, into: &events)
        return events
    }

    /// Decodes the batch's records onto the end of `events`.
    static func decode(_ stored: UnsafeRawBufferPointer, header: BatchHeader, into events: inout [RecordedEvent]) throws(FormatError) {
        switch header.codec {
        case .none:
            guard stored.count == Int(header.rawLength) else { throw FormatError("raw batch length mismatch") }
            try RecordCodec.decode(stored, firstPosition: header.firstPosition, count: Int(header.recordCount), into: &events)
        case .lz4Block:
            let raw = try LZ4Block.decompress(stored, rawLength: Int(header.rawLength))
            let decoded = raw.withUnsafeBytes { bytes in
                Result { () throws(FormatError) in
                    try RecordCodec.decode(bytes, firstPosition: header.firstPosition, count: Int(header.recordCount), into: &events)
                }
            }
            try decoded.get()
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
