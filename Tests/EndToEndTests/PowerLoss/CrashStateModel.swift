import Foundation

/// The states a disk may hold after a power loss during a recording (`CrashTrace`), built as
/// directories the real binary can open.
///
/// The model (docs/testing.md, "Power-loss testing"): a write, truncation or allocation reaches
/// the disk for sure only once its file was fsynced (or fdatasynced) after it; a name created,
/// renamed or removed only once its directory was fsynced after it. Until then each of them may
/// or may not be there: unsynced data changes are kept, dropped, or torn into 4 KiB pages of which
/// any subset survives; unsynced name changes survive as a prefix, in order (a journaling file
/// system commits metadata in order). Directories themselves always exist, and SQLite's `-shm`
/// files are left out (SQLite rebuilds them).
struct CrashStateModel {
    /// Which of the changes not yet synced at the cut survive.
    enum Variant: CustomStringConvertible {
        /// None: only what was synced.
        case syncedOnly
        /// All of them, as after a process crash with the page cache intact.
        case everything
        /// A seeded draw: each data change kept, dropped or torn, a random prefix of name changes.
        case sampled(seed: UInt64)

        var description: String {
            switch self {
            case .syncedOnly: "synced only"
            case .everything: "everything"
            case .sampled(let seed): "sampled (seed \(seed))"
            }
        }
    }

    /// A crash state written to disk.
    struct State {
        /// The acknowledgements recorded before the cut, in order.
        var acknowledgements: [String]
        /// What was left out, for failure messages.
        var summary: String
    }

    private enum DataChange {
        case write(offset: Int, length: Int, data: [UInt8]?)
        case truncate(Int)
        case allocate(end: Int)
    }

    private enum NameChange {
        case link(path: String, file: Int)
        case rename(from: String, to: String)
        case hardLink(from: String, to: String)
        case unlink(path: String)
    }

    private struct File {
        var synced: [UInt8] = []
        var pending: [DataChange] = []
    }

    private struct Replay {
        var files: [File] = []
        var fileOfInode: [UInt64: Int] = [:]
        var names: [String: Int] = [:]
        var nameChanges: [(change: NameChange, directories: [String], synced: Bool)] = []
        var directories: Set<String> = [""]
        var acknowledgements: [String] = []
    }

    let trace: CrashTrace
    /// The model run up to `replayedUpTo`: states asked for in increasing cut order share one pass.
    private var replayed = Replay()
    private var replayedUpTo = 0

    init(trace: CrashTrace) {
        self.trace = trace
    }

    /// Where a state may be cut: just before each sync, and at the end.
    var cutPoints: [Int] {
        trace.operations.indices.filter { trace.operations[$0].isSync } + [trace.operations.count]
    }

    /// Writes into `directory` (which must not exist) the state of a power loss just before
    /// operation `cut`, with the unsynced changes `variant` keeps.
    mutating func materialize(cut: Int, variant: Variant, into directory: String) throws -> State {
        if cut < replayedUpTo {
            replayed = Replay()
            replayedUpTo = 0
        }
        Self.replay(trace.operations[replayedUpTo..<cut], into: &replayed)
        replayedUpTo = cut
        let replay = replayed
        var random = SplitMix64(seed: { if case .sampled(let seed) = variant { return seed } else { return 0 } }())
        let unsynced = replay.nameChanges.filter { !$0.synced }.count
        let keptNames: Int = switch variant {
        case .syncedOnly: 0
        case .everything: unsynced
        case .sampled: Int(random.next() % UInt64(unsynced + 1))
        }
        var names: [String: Int] = [:]
        var unsyncedSeen = 0
        for entry in replay.nameChanges {
            if !entry.synced {
                unsyncedSeen += 1
                if unsyncedSeen > keptNames { continue }
            }
            switch entry.change {
            case .link(let path, let file): names[path] = file
            case .rename(let from, let to):
                // A rename whose source never reached the disk cannot reach it either.
                if let file = names.removeValue(forKey: from) { names[to] = file }
            case .hardLink(let from, let to):
                if let file = names[from] { names[to] = file }
            case .unlink(let path): names[path] = nil
            }
        }
        let fileManager = FileManager.default
        for path in replay.directories.sorted() {
            try fileManager.createDirectory(atPath: Self.join(directory, path), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        var dropped = 0
        var torn = 0
        var pendingTotal = 0
        for (path, file) in names where !path.hasSuffix("-shm") {
            var bytes = replay.files[file].synced
            for change in replay.files[file].pending {
                pendingTotal += 1
                switch variant {
                case .syncedOnly:
                    dropped += 1
                case .everything:
                    Self.apply(change, to: &bytes)
                case .sampled:
                    let draw = random.next() % 3
                    if draw == 0 {
                        dropped += 1
                    } else if draw == 1, case .write(let offset, let length, let data) = change {
                        torn += 1
                        // 4 KiB pages of the file: each page of this write survives or not.
                        var page = offset - offset % 4096
                        while page < offset + length {
                            let start = max(page, offset)
                            let end = min(page + 4096, offset + length)
                            if random.next() % 2 == 0 {
                                let slice = data.map { Array($0[(start - offset)..<(end - offset)]) }
                                Self.apply(.write(offset: start, length: end - start, data: slice), to: &bytes)
                            }
                            page += 4096
                        }
                    } else {
                        Self.apply(change, to: &bytes)
                    }
                }
            }
            let target = Self.join(directory, path)
            try fileManager.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            guard fileManager.createFile(atPath: target, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
                throw TraceError(description: "cannot write the crash state's file \(target)")
            }
        }
        return State(
            acknowledgements: replay.acknowledgements,
            summary: "cut before operation \(cut) of \(trace.operations.count), \(variant): \(keptNames) of \(unsynced) unsynced name changes kept, "
                + "\(dropped) of \(pendingTotal) unsynced data changes dropped, \(torn) torn"
        )
    }

    private static func join(_ directory: String, _ path: String) -> String {
        path.isEmpty ? directory : directory + "/" + path
    }

    private static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    private static func apply(_ change: DataChange, to bytes: inout [UInt8]) {
        switch change {
        case .write(let offset, let length, let data):
            if bytes.count < offset + length { bytes += [UInt8](repeating: 0, count: offset + length - bytes.count) }
            if let data {
                bytes.replaceSubrange(offset..<offset + length, with: data)
            } else {
                bytes.replaceSubrange(offset..<offset + length, with: repeatElement(0, count: length))
            }
        case .truncate(let length):
            if bytes.count > length { bytes.removeSubrange(length...) } else { bytes += [UInt8](repeating: 0, count: length - bytes.count) }
        case .allocate(let end):
            if bytes.count < end { bytes += [UInt8](repeating: 0, count: end - bytes.count) }
        }
    }

    /// Runs the operations through the model: what is synced, what is pending, under which names.
    private static func replay(_ operations: ArraySlice<CrashTrace.Operation>, into state: inout Replay) {
        func link(path: String, inode: UInt64) -> Int {
            state.files.append(File())
            let file = state.files.count - 1
            state.fileOfInode[inode] = file
            state.names[path] = file
            state.nameChanges.append((.link(path: path, file: file), [parent(path)], false))
            return file
        }
        func file(inode: UInt64, path: String) -> Int {
            if let file = state.fileOfInode[inode] { return file }
            // Opened by a call the recorder does not see (a libc-internal open): a new name now.
            return link(path: path, inode: inode)
        }
        for operation in operations {
            switch operation {
            case .create(let path, let inode, let truncate):
                let target: Int
                if let existing = state.names[path] {
                    target = existing
                    state.fileOfInode[inode] = existing
                } else {
                    target = link(path: path, inode: inode)
                }
                if truncate { state.files[target].pending.append(.truncate(0)) }
            case .write(let inode, let path, let offset, let length, let data):
                state.files[file(inode: inode, path: path)].pending.append(.write(offset: offset, length: length, data: data))
            case .truncate(let inode, let path, let length):
                state.files[file(inode: inode, path: path)].pending.append(.truncate(length))
            case .allocate(let inode, let path, let offset, let length, let keepSize):
                let target = file(inode: inode, path: path)
                if !keepSize { state.files[target].pending.append(.allocate(end: offset + length)) }
            case .rename(let from, let to, let inode):
                if let moved = state.names.removeValue(forKey: from) ?? state.fileOfInode[inode] {
                    state.names[to] = moved
                }
                state.nameChanges.append((.rename(from: from, to: to), [parent(from), parent(to)], false))
            case .link(let from, let to, let inode):
                if let linked = state.names[from] ?? state.fileOfInode[inode] { state.names[to] = linked }
                state.nameChanges.append((.hardLink(from: from, to: to), [parent(to)], false))
            case .unlink(let path):
                state.names[path] = nil
                state.nameChanges.append((.unlink(path: path), [parent(path)], false))
            case .mkdir(let path):
                state.directories.insert(path)
            case .sync(let inode, let path, let directory):
                if directory {
                    for index in state.nameChanges.indices where state.nameChanges[index].directories.contains(path) {
                        state.nameChanges[index].synced = true
                    }
                } else if let target = state.fileOfInode[inode] {
                    for change in state.files[target].pending { apply(change, to: &state.files[target].synced) }
                    state.files[target].pending = []
                }
            case .hint:
                break
            case .acknowledged(let label):
                state.acknowledgements.append(label)
            }
        }
    }
}

/// A small seeded generator (SplitMix64), so a failing crash state can be rebuilt from its seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
