import Foundation

/// The files of a projection's models in the read-model directory: `<name>.<generation>.sqlite`
/// (with its `-wal` and `-shm`) per model, and `<name>.current` naming the live one.
extension SQLiteProjectionStorage {
    /// The live file named by `<name>.current`, if it exists.
    static func liveFileName(of name: String, in directory: URL) -> String? {
        let pointer = directory.appendingPathComponent("\(name).current")
        guard let data = FileManager.default.contents(atPath: pointer.path),
              let file = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path) else { return nil }
        return file
    }

    /// Points `<name>.current` at `file`, atomically and durably: a temporary file, fsynced, renamed
    /// over the pointer, then the directory fsynced.
    static func pointLive(at file: String, of name: String, in directory: URL) throws {
        let pointer = directory.appendingPathComponent("\(name).current")
        let temporary = directory.appendingPathComponent("\(name).current.tmp")
        try Data((file + "\n").utf8).write(to: temporary)
        let pointerFD = open(temporary.path, O_RDONLY)
        if pointerFD >= 0 { fsync(pointerFD); close(pointerFD) }
        guard rename(temporary.path, pointer.path) == 0 else {
            throw ReadModelError.io("rename", temporary.path, errno)
        }
        let dfd = open(directory.path, O_RDONLY)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }

    /// The generation number of a model file name (`<name>.<n>.sqlite`), 0 when it has none.
    static func generation(of file: String) -> Int {
        let parts = file.split(separator: ".")
        guard parts.count >= 3, let number = Int(parts[parts.count - 2]) else { return 0 }
        return number
    }

    /// Deletes a model file with its `-wal` and `-shm`.
    static func removeDatabase(at path: String) {
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
    }

    /// Whether `file` is a model file of `name` (`<name>.<n>.sqlite`, without `-wal` or `-shm`).
    static func isModelFile(_ file: String, of name: String) -> Bool {
        guard file.hasPrefix(name + "."), file.hasSuffix(".sqlite") else { return false }
        let middle = file.dropFirst(name.count + 1).dropLast(".sqlite".count)
        return Int(middle) != nil
    }

    /// Removes model files of `name` other than `keep` (left by a crash during a build or a swap).
    static func removeFiles(of name: String, in directory: URL, except keep: String?) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for file in names where file.hasPrefix(name + ".") {
            let rest = file.dropFirst(name.count + 1)
            guard let dot = rest.firstIndex(of: "."), Int(rest[..<dot]) != nil, rest[dot...].hasPrefix(".sqlite") else { continue }
            if let keep, file.hasPrefix(keep) { continue }
            unlink(directory.appendingPathComponent(file).path)
        }
    }
}
