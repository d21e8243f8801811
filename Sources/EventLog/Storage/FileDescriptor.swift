#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A thin owner of a POSIX file descriptor: positional reads and writes that loop until done,
/// `fdatasync`, `ftruncate` and advisory locks, each failure carrying errno and the path.
///
/// The log uses raw descriptors rather than `FileHandle` to control exactly when bytes reach the
/// disk (durability is the log's promise) and to read at offsets without shared seek state.
final class FileDescriptor: Sendable {
    let fd: Int32
    let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    static func open(_ path: String, writable: Bool, create: Bool = false) throws(LogError) -> FileDescriptor {
        var flags = writable ? O_RDWR : O_RDONLY
        if create { flags |= O_CREAT }
        flags |= O_CLOEXEC
        let fd = Glibc.open(path, flags, 0o644)
        guard fd >= 0 else { throw LogError.io("open", path: path, errno: errno) }
        return FileDescriptor(fd: fd, path: path)
    }

    func size() throws(LogError) -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw LogError.io("fstat", path: path, errno: errno) }
        return Int(info.st_size)
    }

    /// Reads exactly `count` bytes at `offset` (fewer only at end of file).
    func read(at offset: Int, count: Int) throws(LogError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        var failure: Int32 = 0
        buffer.withUnsafeMutableBytes { raw in
            while done < count {
                let n = pread(fd, raw.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if n == 0 { break }
                done += n
            }
        }
        if failure != 0 { throw LogError.io("read", path: path, errno: failure) }
        if done < count { buffer.removeSubrange(done...) }
        return buffer
    }

    /// Reads the whole file.
    func readAll() throws(LogError) -> [UInt8] {
        try read(at: 0, count: try size())
    }

    /// Writes all of `bytes` at `offset`.
    func write(_ bytes: [UInt8], at offset: Int) throws(LogError) {
        var done = 0
        var failure: Int32 = 0
        bytes.withUnsafeBytes { raw in
            while done < raw.count {
                let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                done += n
            }
        }
        if failure != 0 { throw LogError.io("write", path: path, errno: failure) }
    }

    /// Flushes the file's data (and the metadata needed to read it back, such as its size).
    func syncData() throws(LogError) {
        guard fdatasync(fd) == 0 else { throw LogError.io("fdatasync", path: path, errno: errno) }
    }

    func sync() throws(LogError) {
        guard fsync(fd) == 0 else { throw LogError.io("fsync", path: path, errno: errno) }
    }

    func truncate(to length: Int) throws(LogError) {
        guard ftruncate(fd, off_t(length)) == 0 else { throw LogError.io("ftruncate", path: path, errno: errno) }
    }

    /// Takes an exclusive advisory lock without waiting; false when another process holds it.
    func tryLockExclusive() throws(LogError) -> Bool {
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { return true }
        if errno == EWOULDBLOCK { return false }
        throw LogError.io("flock", path: path, errno: errno)
    }

    /// Releases the advisory lock.
    func unlock() {
        flock(fd, LOCK_UN)
    }

    /// Replaces the file at `path` with `bytes` atomically and durably: a temporary file beside it,
    /// fsync, rename, fsync of the directory.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(LogError) {
        let temporary = path + ".tmp"
        let file = try FileDescriptor.open(temporary, writable: true, create: true)
        try file.truncate(to: 0)
        try file.write(bytes, at: 0)
        try file.sync()
        guard rename(temporary, path) == 0 else { throw LogError.io("rename", path: temporary, errno: errno) }
        try syncDirectory(String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]))
    }

    /// Makes a directory's entries (a created, renamed or removed file) durable.
    static func syncDirectory(_ path: String) throws(LogError) {
        let directory = try FileDescriptor.open(path, writable: false)
        try directory.sync()
    }
}
