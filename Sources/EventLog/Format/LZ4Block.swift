internal import CLZ4

/// LZ4 block compression of batch payloads.
///
/// Blocks rather than frames: the batch header already stores both lengths and a checksum, so the
/// frame's own header and checksums would be paid twice.
enum LZ4Block {
    /// Compresses `source`; `nil` when LZ4 cannot shrink it (the batch is then stored raw).
    /// `level` 0 is the fast compressor, 1...12 the high-compression one.
    static func compress(_ source: [UInt8], level: Int) -> [UInt8]? {
        guard !source.isEmpty, source.count <= Int(LZ4_MAX_INPUT_SIZE) else { return nil }
        let capacity = Int(LZ4_compressBound(Int32(source.count)))
        var output = [UInt8](repeating: 0, count: capacity)
        let written = source.withUnsafeBytes { src in
            output.withUnsafeMutableBytes { dst in
                let s = src.baseAddress!.assumingMemoryBound(to: CChar.self)
                let d = dst.baseAddress!.assumingMemoryBound(to: CChar.self)
                return level > 0
                    ? LZ4_compress_HC(s, d, Int32(source.count), Int32(capacity), Int32(level))
                    : LZ4_compress_default(s, d, Int32(source.count), Int32(capacity))
            }
        }
        guard written > 0, Int(written) < source.count else { return nil }
        output.removeSubrange(Int(written)...)
        return output
    }

    /// Decompresses a block that must expand to exactly `rawLength` bytes, against `dictionary`
    /// when it was compressed with one.
    static func decompress(
        _ source: UnsafeRawBufferPointer, rawLength: Int, dictionary: LogDictionary? = nil
    ) throws(FormatError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: rawLength)
        let produced = output.withUnsafeMutableBytes { dst in
            let s = source.baseAddress?.assumingMemoryBound(to: CChar.self)
            let d = dst.baseAddress?.assumingMemoryBound(to: CChar.self)
            guard let dictionary else { return LZ4_decompress_safe(s, d, Int32(source.count), Int32(rawLength)) }
            return dictionary.bytes.withUnsafeBytes { dict in
                LZ4_decompress_safe_usingDict(
                    s, d, Int32(source.count), Int32(rawLength),
                    dict.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(dict.count)
                )
            }
        }
        guard produced == Int32(rawLength) else {
            throw FormatError("LZ4 block did not decompress to \(rawLength) bytes (got \(produced))")
        }
        return output
    }
}

/// LZ4's fast compressor primed with a log's dictionary, reused for every batch of one writer.
///
/// Loading a 64 KiB dictionary hashes all of it (tens of microseconds); the loaded stream state is
/// kept and copied (16 KiB, LZ4's documented way to reuse a loaded dictionary) before each block.
/// Not thread-safe: the writer thread owns it.
final class LZ4DictionaryCompressor {
    let dictionary: LogDictionary
    private let dictionaryBytes: UnsafeMutableRawBufferPointer
    private let loaded: UnsafeMutablePointer<LZ4_stream_t>
    private let working: UnsafeMutablePointer<LZ4_stream_t>

    init(_ dictionary: LogDictionary) {
        self.dictionary = dictionary
        // The stream keeps pointers into the dictionary: it needs an address that never moves.
        dictionaryBytes = .allocate(byteCount: max(1, dictionary.bytes.count), alignment: 16)
        dictionaryBytes.copyBytes(from: dictionary.bytes)
        loaded = .allocate(capacity: 1)
        working = .allocate(capacity: 1)
        LZ4_initStream(loaded, MemoryLayout<LZ4_stream_t>.size)
        LZ4_initStream(working, MemoryLayout<LZ4_stream_t>.size)
        LZ4_loadDict(loaded, dictionaryBytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(dictionary.bytes.count))
    }

    deinit {
        dictionaryBytes.deallocate()
        loaded.deallocate()
        working.deallocate()
    }

    /// Compresses `source` into one block that refers back to the dictionary; `nil` when that does
    /// not shrink it.
    func compress(_ source: [UInt8]) -> [UInt8]? {
        guard !source.isEmpty, source.count <= Int(LZ4_MAX_INPUT_SIZE) else { return nil }
        working.update(from: loaded, count: 1)
        let capacity = Int(LZ4_compressBound(Int32(source.count)))
        var output = [UInt8](repeating: 0, count: capacity)
        let written = source.withUnsafeBytes { src in
            output.withUnsafeMutableBytes { dst in
                LZ4_compress_fast_continue(
                    working, src.baseAddress!.assumingMemoryBound(to: CChar.self), dst.baseAddress!.assumingMemoryBound(to: CChar.self),
                    Int32(source.count), Int32(capacity), 1
                )
            }
        }
        guard written > 0, Int(written) < source.count else { return nil }
        output.removeSubrange(Int(written)...)
        return output
    }
}
