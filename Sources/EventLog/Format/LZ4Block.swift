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

    /// Decompresses a block that must expand to exactly `rawLength` bytes.
    static func decompress(_ source: UnsafeRawBufferPointer, rawLength: Int) throws(FormatError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: rawLength)
        let produced = output.withUnsafeMutableBytes { dst in
            LZ4_decompress_safe(
                source.baseAddress?.assumingMemoryBound(to: CChar.self),
                dst.baseAddress?.assumingMemoryBound(to: CChar.self),
                Int32(source.count), Int32(rawLength)
            )
        }
        guard produced == Int32(rawLength) else {
            throw FormatError("LZ4 block did not decompress to \(rawLength) bytes (got \(produced))")
        }
        return output
    }
}
