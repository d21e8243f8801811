#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Little-endian writing into a growable byte array: the log's on-disk integers are all little-endian.
struct ByteWriter {
    var bytes: [UInt8]

    init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Writes an integer most significant byte first (a trace context's ids, in the header's order).
    mutating func write<T: FixedWidthInteger>(bigEndian value: T) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ raw: some Collection<UInt8>) {
        bytes.append(contentsOf: raw)
    }

    mutating func write(uuid: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)) {
        withUnsafeBytes(of: uuid) { bytes.append(contentsOf: $0) }
    }

    /// Overwrites a little-endian integer at `offset` (used to patch lengths once known).
    mutating func patch<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for (i, byte) in raw.enumerated() { bytes[offset + i] = byte }
        }
    }
}

/// Bounds-checked little-endian reading over borrowed bytes; every read names what ran out.
struct ByteReader: ~Copyable {
    let buffer: UnsafeRawBufferPointer
    private(set) var offset: Int

    init(_ buffer: UnsafeRawBufferPointer, offset: Int = 0) {
        self.buffer = buffer
        self.offset = offset
    }

    var remaining: Int { buffer.count - offset }

    mutating func read<T: FixedWidthInteger>(_: T.Type) throws(FormatError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw FormatError("truncated: needed \(size) bytes at offset \(offset), \(remaining) left") }
        let value = buffer.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += size
        return T(littleEndian: value)
    }

    /// Reads an integer stored most significant byte first (`.littleEndian` takes back the swap
    /// `read` made on a big-endian host, leaving the stored bytes as they were loaded).
    mutating func read<T: FixedWidthInteger>(bigEndian _: T.Type) throws(FormatError) -> T {
        T(bigEndian: try read(T.self).littleEndian)
    }

    mutating func readBytes(_ count: Int) throws(FormatError) -> UnsafeRawBufferPointer {
        guard count >= 0, remaining >= count else {
            throw FormatError("truncated: needed \(count) bytes at offset \(offset), \(remaining) left")
        }
        let slice = UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + count])
        offset += count
        return slice
    }

    mutating func readString(length: Int) throws(FormatError) -> String {
        let bytes = try readBytes(length).bindMemory(to: UInt8.self)
        // `String(validating:as:)` is generic and instantiated its metadata at each call (4 % of a
        // log read); decoding repairs invalid UTF-8 with U+FFFD, so the bytes come back unchanged
        // exactly when they were valid.
        var high: UInt8 = 0
        for byte in bytes { high |= byte } // one pass the compiler vectorizes
        if high < 0x80 { return String(decoding: bytes, as: UTF8.self) } // ASCII (ids, types, streams): nothing to repair
        var string = String(decoding: bytes, as: UTF8.self)
        guard string.utf8.count == bytes.count, string.withUTF8({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }) else {
            throw FormatError("invalid UTF-8 at offset \(offset - length)")
        }
        return string
    }
}

/// A structural problem found while decoding stored bytes (a bad length, a truncated field, ...).
struct FormatError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
