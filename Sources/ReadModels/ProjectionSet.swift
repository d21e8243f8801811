public import EventLog
public import EventSourcing
public import Foundation
public import Logging

/// Every projection of a directory (`projections/*.sql`), each with its runner and SQLite read
/// model under `<data>/readmodels/`.
public final class ProjectionSet: Sendable {
    /// The runners, sorted by projection name.
    public let runners: [ProjectionRunner]
    /// The read models by projection name.
    public let databases: [String: SQLiteProjectionStorage]

    /// Loads every `.sql` file of `projectionsDirectory` and opens its read model in
    /// `<dataDirectory>/readmodels/`.
    public init(
        projectionsDirectory: URL, dataDirectory: URL, log: EventLog, keyStore: KeyStore?, batchSize: Int = 5_000,
        logger: Logger = Logger(label: "protalent.readmodels")
    ) throws {
        let readModels = dataDirectory.appendingPathComponent("readmodels", isDirectory: true)
        var runners: [ProjectionRunner] = []
        var databases: [String: SQLiteProjectionStorage] = [:]
        for projection in try Projection.loadAll(in: projectionsDirectory) {
            let storage = try SQLiteProjectionStorage(projection: projection, directory: readModels)
            databases[projection.name] = storage
            runners.append(try ProjectionRunner(storage: storage, log: log, keyStore: keyStore, batchSize: batchSize, logger: logger))
        }
        self.runners = runners
        self.databases = databases
    }

    /// The runner of the projection `name`.
    public func runner(named name: String) -> ProjectionRunner? {
        runners.first { $0.projection.name == name }
    }

    /// The status of every projection, sorted by name.
    public func status() -> [ProjectionStatus] {
        runners.map(\.status)
    }

    /// Runs every projection until the task is cancelled or the log closes. A failed projection
    /// stops alone; the others keep running.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for runner in runners {
                group.addTask { try await runner.run() }
            }
            try await group.waitForAll()
        }
    }

    /// Rebuilds the projections named (all when empty), one after the other.
    public func rebuild(
        _ names: [String] = [], progress: (@Sendable (String, RebuildProgress) -> Void)? = nil
    ) async throws {
        var chosen: [ProjectionRunner] = []
        for name in names {
            guard let runner = runner(named: name) else { throw ReadModelError.unknown(name) }
            chosen.append(runner)
        }
        if names.isEmpty { chosen = runners }
        for runner in chosen {
            let name = runner.projection.name
            var report: (@Sendable (RebuildProgress) -> Void)?
            if let progress {
                report = { @Sendable step in progress(name, step) }
            }
            try await runner.rebuild(progress: report)
        }
    }
}
