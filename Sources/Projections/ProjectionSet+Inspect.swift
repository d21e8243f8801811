public import Foundation
import GRDB

extension ProjectionSet {
    /// The status of every projection of `projectionsDirectory` as its files in
    /// `<dataDirectory>/readmodels/` say, without running, creating or deleting anything: for
    /// `protalent stats` beside a running server.
    ///
    /// Reading files cannot tell whether a process follows the log: `state` is `failed` (a failure
    /// is stored), `rebuilding` (a newer build file is present; `rebuild` has its checkpoint), `stale`
    /// (the live model was built by another version of the file), `not-built`, else `idle` — `lag`
    /// says how far behind the log it is.
    ///
    /// - Parameter head: the log's head position, for the lag.
    public static func inspect(projectionsDirectory: URL, dataDirectory: URL, head: Int64) throws -> [ProjectionStatus] {
        let readModels = dataDirectory.appendingPathComponent("readmodels", isDirectory: true)
        let names = try Projection.files(in: projectionsDirectory)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: readModels.path)) ?? []
        return try names.map { file in
            let name = String(file.dropLast(4))
            let version = Projection.version(of: try [UInt8](Data(contentsOf: projectionsDirectory.appendingPathComponent(file))))
            var status = ProjectionStatus(name: name, version: version, liveVersion: nil, checkpoint: 0, head: head, state: .notBuilt)
            let liveFile = SQLiteProjectionStorage.liveFileName(of: name, in: readModels)
            let liveGeneration = liveFile.map { SQLiteProjectionStorage.generation(of: $0) } ?? 0
            if let liveFile, let live = storedState(readModels.appendingPathComponent(liveFile)) {
                status.liveVersion = live.version
                status.checkpoint = live.position
                status.failure = live.failure
                status.state = live.failure != nil ? .failed : live.version != version ? .stale : .idle
            }
            let newest = files.filter { SQLiteProjectionStorage.isModelFile($0, of: name) }
                .max { SQLiteProjectionStorage.generation(of: $0) < SQLiteProjectionStorage.generation(of: $1) }
            if let newest, SQLiteProjectionStorage.generation(of: newest) > liveGeneration, status.state != .failed {
                status.state = .rebuilding
                let building = storedState(readModels.appendingPathComponent(newest))
                status.rebuild = RebuildProgress(done: building?.position ?? 0, total: max(head, building?.position ?? 0))
            }
            return status
        }
    }

    /// The `_projection_state` of a model file, opened read-only; `nil` when it cannot be read
    /// (a build just started, or a file being deleted).
    private static func storedState(_ url: URL) -> ProjectionState? {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(1)
        guard let queue = try? DatabaseQueue(path: url.path, configuration: configuration) else { return nil }
        defer { try? queue.close() }
        return try? queue.read { db in try SQLiteProjectionStorage.fetchState(db) }
    }
}
