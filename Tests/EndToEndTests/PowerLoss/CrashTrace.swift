import Foundation

/// A recording of the `crash-recorder` library (`Tests/Tools/crash-recorder/crash-recorder.c`):
/// every file-system call a process made under one directory, with its data, in order, and the
/// acknowledgements the workload driver wrote into the same file as their answers arrived.
///
/// Record layout (little-endian): size u32 (whole record), kind u8, flags u8, reserved u16, pid
/// u32, tid u32, inode u64, offset i64, length i64, path length u32, second path length u32, then
/// the paths and the data.
struct CrashTrace {
    /// One recorded call. Paths are relative to the watched directory.
    enum Operation: Equatable {
        /// An open with `O_CREAT` or `O_TRUNC` (a new name when the path did not exist).
        case create(path: String, inode: UInt64, truncate: Bool)
        /// Bytes written at `offset` (`data` nil: `length` zeros).
        case write(inode: UInt64, path: String, offset: Int, length: Int, data: [UInt8]?)
        case truncate(inode: UInt64, path: String, length: Int)
        /// `fallocate`: extends the file to `offset + length` unless `keepSize`.
        case allocate(inode: UInt64, path: String, offset: Int, length: Int, keepSize: Bool)
        case rename(from: String, to: String, inode: UInt64)
        /// A second name for an existing file (`link`).
        case link(from: String, to: String, inode: UInt64)
        case unlink(path: String)
        case mkdir(path: String)
        /// `fsync` or `fdatasync` of a file or a directory (recorded before the call).
        case sync(inode: UInt64, path: String, directory: Bool)
        /// `sync_file_range` or `msync`: no durability promised; kept for the record.
        case hint
        /// A command whose answer reached the driver; its label says what the driver expects to survive.
        case acknowledged(String)

        /// Whether this call is a durability point (a state is cut just before it).
        var isSync: Bool {
            if case .sync = self { return true }
            return false
        }
    }

    /// The record kinds (`enum kind` in the C file).
    private enum Kind: UInt8 {
        case create = 1, write, truncate, allocate, rename, unlink, sync, mkdir, syncRange, msync, acknowledged, link
    }

    static let headerSize = 48

    let operations: [Operation]

    /// Parses the trace at `path`, naming the byte offset of a malformed record.
    init(path: String, root: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var operations: [Operation] = []
        var offset = 0
        func integer<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T {
            var value: T = 0
            for index in 0..<MemoryLayout<T>.size { value |= T(truncatingIfNeeded: bytes[at + index]) << (8 * index) }
            return value
        }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        func relative(_ path: String) -> String {
            if path == root { return "" }
            return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
        }
        while offset < bytes.count {
            guard bytes.count - offset >= Self.headerSize else {
                throw TraceError(description: "\(path): a record header cut short at byte offset \(offset)")
            }
            let size = Int(integer(offset, UInt32.self))
            let pathLength = Int(integer(offset + 40, UInt32.self))
            let path2Length = Int(integer(offset + 44, UInt32.self))
            guard size >= Self.headerSize + pathLength + path2Length, offset + size <= bytes.count,
                  let kind = Kind(rawValue: bytes[offset + 4]) else {
                throw TraceError(description: "\(path): malformed record at byte offset \(offset)")
            }
            let flags = bytes[offset + 5]
            let inode = integer(offset + 16, UInt64.self)
            let at = Int(integer(offset + 24, Int64.self))
            let length = Int(integer(offset + 32, Int64.self))
            let pathStart = offset + Self.headerSize
            let first = relative(String(decoding: bytes[pathStart..<pathStart + pathLength], as: UTF8.self))
            let second = relative(String(decoding: bytes[pathStart + pathLength..<pathStart + pathLength + path2Length], as: UTF8.self))
            let dataStart = pathStart + pathLength + path2Length
            let data = Array(bytes[dataStart..<offset + size])
            switch kind {
            case .create: operations.append(.create(path: first, inode: inode, truncate: flags & 1 != 0))
            case .write: operations.append(.write(inode: inode, path: first, offset: at, length: length, data: flags & 2 != 0 ? nil : data))
            case .truncate: operations.append(.truncate(inode: inode, path: first, length: length))
            case .allocate: operations.append(.allocate(inode: inode, path: first, offset: at, length: length, keepSize: flags & 4 != 0))
            case .rename: operations.append(.rename(from: first, to: second, inode: inode))
            case .unlink: operations.append(.unlink(path: first))
            case .sync: operations.append(.sync(inode: inode, path: first, directory: flags & 8 != 0))
            case .mkdir: operations.append(.mkdir(path: first))
            case .syncRange, .msync: operations.append(.hint)
            case .acknowledged: operations.append(.acknowledged(first))
            case .link: operations.append(.link(from: first, to: second, inode: inode))
            }
            offset += size
        }
        self.operations = operations
    }

    /// Appends an acknowledgement record to the trace at `path` (one `write` to an `O_APPEND`
    /// descriptor, so it lands between the recorded process's records, never inside one).
    static func acknowledge(_ label: String, trace path: String) throws {
        let label = Array(label.utf8)
        var record = [UInt8](repeating: 0, count: headerSize)
        func put<T: FixedWidthInteger>(_ value: T, at: Int) {
            for index in 0..<MemoryLayout<T>.size { record[at + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
        }
        put(UInt32(headerSize + label.count), at: 0)
        record[4] = Kind.acknowledged.rawValue
        put(UInt32(getpid()), at: 8)
        put(UInt32(label.count), at: 40)
        record += label
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw TraceError(description: "cannot open \(path): errno \(errno)") }
        defer { close(fd) }
        let written = record.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == record.count else { throw TraceError(description: "cannot append to \(path): errno \(errno)") }
    }
}

/// A trace or crash state that could not be read or built.
struct TraceError: Error, CustomStringConvertible {
    var description: String
}
