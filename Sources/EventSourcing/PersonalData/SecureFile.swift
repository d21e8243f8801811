#if canImport(Glibc)
public import Glibc
#elseif canImport(Musl)
public import Musl
#elseif canImport(Darwin)
public import Darwin
#endif

/// The few POSIX file operations that durable state needs (the key store, the server's job
/// queues), with the durability steps spelled out: write a temporary file, fsync it, move it into
/// place, fsync the directory.
public enum SecureFile {
    /// Why a file operation failed: the operation, the path and the system's message.
    public struct Failure: Error, CustomStringConvertible {
        /// What was attempted (`open`, `fsync`, `rename`, …).
        public var operation: String
        /// The file or directory.
        public var path: String
        /// The `errno` value.
        public var code: Int32

        /// The system's message for `code`.
        public var message: String { String(cString: strerror(code)) }

        public var description: String { "\(operation) \(path): \(message)" }
    }

    /// The whole content of `path`, or `nil` when it does not exist.
    public static func contents(of path: String) throws(Failure) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw Failure(operation: "open", path: path, code: errno)
        }
        defer { close(fd) }
        var content: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(operation: "read", path: path, code: errno)
            }
            if count == 0 { break }
            content.append(contentsOf: chunk[0..<count])
        }
        return content
    }

    /// Writes `bytes` to `path` atomically with permissions `mode`.
    ///
    /// - Parameter replace: when `false`, an existing file is left alone (the new one is linked
    ///   into place, which fails if the name exists) and the result is `false`.
    /// - Returns: whether the file now holds `bytes`.
    @discardableResult
    public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t, replace: Bool) throws(Failure) -> Bool {
        let directory = parent(of: path)
        let temporary = directory + "/.tmp-" + String(UInt64.random(in: .min ... .max), radix: 16)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw Failure(operation: "create", path: temporary, code: errno) }
        var failure: Failure?
        if fchmod(fd, mode) != 0 { failure = Failure(operation: "chmod", path: temporary, code: errno) }
        var written = 0
        while failure == nil, written < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                failure = Failure(operation: "write", path: temporary, code: errno)
            } else {
                written += count
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = Failure(operation: "fsync", path: temporary, code: errno) }
        close(fd)
        if let failure {
            unlink(temporary)
            throw failure
        }
        if replace {
            guard rename(temporary, path) == 0 else {
                let code = errno
                unlink(temporary)
                throw Failure(operation: "rename", path: path, code: code)
            }
        } else {
            let linked = link(temporary, path) == 0
            let code = errno
            unlink(temporary)
            if !linked {
                if code == EEXIST { return false }
                throw Failure(operation: "link", path: path, code: code)
            }
        }
        try syncDirectory(directory)
        return true
    }

    /// Removes `path`; returns `false` when it did not exist. The caller syncs the directory.
    @discardableResult
    public static func remove(_ path: String) throws(Failure) -> Bool {
        if unlink(path) == 0 { return true }
        if errno == ENOENT { return false }
        throw Failure(operation: "unlink", path: path, code: errno)
    }

    /// Flushes a directory's entries (creations, renames, removals) to disk.
    public static func syncDirectory(_ path: String) throws(Failure) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(operation: "open directory", path: path, code: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw Failure(operation: "fsync directory", path: path, code: errno) }
    }

    /// Creates `path` and its missing parents, each with `mode` when created here.
    public static func makeDirectory(_ path: String, mode: mode_t) throws(Failure) {
        if isDirectory(path) { return }
        let parentPath = parent(of: path)
        if parentPath != path, !isDirectory(parentPath) { try makeDirectory(parentPath, mode: mode) }
        if mkdir(path, mode) != 0, errno != EEXIST { throw Failure(operation: "mkdir", path: path, code: errno) }
        if chmod(path, mode) != 0 { throw Failure(operation: "chmod", path: path, code: errno) }
        try syncDirectory(parentPath)
    }

    /// The permission bits of `path`, or `nil` when it does not exist.
    public static func permissions(of path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    /// The names in a directory (without `.` and `..`).
    public static func names(in path: String) throws(Failure) -> [String] {
        guard let directory = opendir(path) else { throw Failure(operation: "opendir", path: path, code: errno) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
