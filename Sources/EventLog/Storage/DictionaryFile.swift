import Foundation

/// The log's dictionary on disk (`<log>/lz4.dict`), checksummed so that damage is refused with the
/// file's name rather than decompressing every codec-2 batch into wrong bytes.
///
/// ```
/// 0      8  magic "PTDICT01"
/// 8      4  dictionary length n (≤ 64 KiB)
/// 12     n  dictionary bytes
/// 12+n   4  CRC-32C of bytes 0..<12+n
/// ```
enum DictionaryFile {
    static let name = "lz4.dict"
    static let magic: [UInt8] = Array("PTDICT01".utf8)

    static func path(inLog directory: String) -> String { directory + "/" + name }

    /// The dictionary stored in the log directory; `nil` when the log has none.
    ///
    /// - Throws: `.corruption` naming the file when it is damaged.
    static func load(fromLog directory: String) throws(LogError) -> LogDictionary? {
        switch try read(fromLog: directory) {
        case .success(let dictionary): return dictionary
        case .failure(let damage): throw LogError.corruption(file: path(inLog: directory), offset: damage.offset, position: nil, reason: damage.description)
        }
    }

    /// The stored dictionary (`nil` when the log has none), or what is wrong with the file.
    static func read(fromLog directory: String) throws(LogError) -> Result<LogDictionary?, Damage> {
        let path = path(inLog: directory)
        guard FileManager.default.fileExists(atPath: path) else { return .success(nil) }
        let bytes = try FileDescriptor.open(path, writable: false).readAll()
        do {
            return .success(try decode(bytes))
        } catch {
            return .failure(error)
        }
    }

    /// Makes `seed` the log's dictionary when the log has none yet (a new log, or one written before
    /// dictionaries); a log that has one keeps it.
    static func adopt(_ seed: LogDictionary?, inLog directory: String) throws(LogError) {
        guard let seed, !FileManager.default.fileExists(atPath: path(inLog: directory)) else { return }
        try FileDescriptor.writeAtomically(encode(seed), to: path(inLog: directory))
    }

    static func encode(_ dictionary: LogDictionary) -> [UInt8] {
        var writer = ByteWriter(capacity: dictionary.bytes.count + 16)
        writer.write(magic)
        writer.write(UInt32(dictionary.bytes.count))
        writer.write(dictionary.bytes)
        writer.write(CRC32C.checksum(writer.bytes))
        return writer.bytes
    }

    /// Why a dictionary file does not decode, and where.
    struct Damage: Error, CustomStringConvertible {
        var offset: Int
        var reason: String

        var description: String {
            "the log's LZ4 dictionary is damaged (\(reason)); the batches compressed with it cannot be read. "
                + "Restore \(DictionaryFile.name) from a replica or the archive of this log"
        }
    }

    static func decode(_ bytes: [UInt8]) throws(Damage) -> LogDictionary {
        guard bytes.count >= 16, Array(bytes[0..<8]) == magic else {
            throw Damage(offset: 0, reason: "not a ProTalent dictionary file (bad magic or shorter than 16 bytes)")
        }
        let length = bytes.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self))) }
        guard length <= LogDictionary.maxBytes, bytes.count == 16 + length else {
            throw Damage(offset: 8, reason: "declares \(length) dictionary bytes in a file of \(bytes.count) bytes")
        }
        let stored = bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 12 + length, as: UInt32.self)) }
        guard stored == CRC32C.checksum(Array(bytes[0..<12 + length])) else {
            throw Damage(offset: 12 + length, reason: "checksum mismatch")
        }
        return LogDictionary(Array(bytes[12..<12 + length]))
    }
}
