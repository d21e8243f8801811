#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Waits for something to appear in a directory by its change notifications (inotify), not by
/// polling on a timer: a test synchronises with another process's files as they are written.
public enum DirectoryWatch {
    /// Why a wait ended without a match.
    public struct TimedOut: Error, CustomStringConvertible {
        /// The watched directory.
        public var directory: String
        public var description: String { "nothing matching appeared in \(directory) in time" }
    }

    /// Evaluates `match` now and after every change to a file of `directory` (created, written, moved, deleted), until it
    /// answers a value or `timeout` passes.
    public static func wait<T>(in directory: String, timeout: Duration = .seconds(30), until match: () throws -> T?) throws -> T {
        let fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        // Watching before the first look: a file written between the look and the watch is not missed.
        guard inotify_add_watch(fd, directory, UInt32(IN_CREATE | IN_MODIFY | IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE | IN_MOVED_FROM)) >= 0 else {
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if let value = try match() { return value }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw TimedOut(directory: directory) }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(min(Int64(Int32.max), left.components.seconds * 1_000 + left.components.attoseconds / 1_000_000_000_000_000 + 1))
            _ = poll(&poller, 1, milliseconds)
            _ = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        }
    }
}
