public import EventLog
public import Foundation
public import Projections
public import TestSupport

/// A projections directory and a `ProjectionSet` over the fixture's log.
public struct SetFixture {
    /// The data directory, log and key store.
    public let fixture: ReadModelFixture
    /// The directory of the `.sql` files.
    public let projections: URL

    /// Writes `files` (source by projection name) into a new projections directory.
    public init(_ files: [String: String], options: EventLogOptions = LogFixtures.options()) throws {
        fixture = try ReadModelFixture("projection-set", options: options)
        projections = fixture.data.url.appendingPathComponent("projections")
        try FileManager.default.createDirectory(at: projections, withIntermediateDirectories: true)
        for (name, source) in files { try write(name, source) }
    }

    /// Writes (or replaces) the file of the projection `name`.
    public func write(_ name: String, _ source: String) throws {
        try Data(source.utf8).write(to: projections.appendingPathComponent("\(name).sql"))
    }

    /// A set writing its models under `data` (default: the fixture's data directory).
    public func set(data: URL? = nil, batchSize: Int = 500, pollInterval: Duration = .milliseconds(50)) throws -> ProjectionSet {
        try ProjectionSet(projectionsDirectory: projections, dataDirectory: data ?? fixture.data.url, log: fixture.log,
                          keyStore: fixture.keys, batchSize: batchSize, pollInterval: pollInterval)
    }
}

/// Runs `set` until every projection applied the whole of `log`, then stops it; throws when one
/// stopped short of the head or failed.
public func catchUp(_ set: ProjectionSet, _ log: EventLog) async throws {
    let head = log.head
    let task = Task { try await set.run() }
    for runner in set.runners {
        _ = await runner.waitUntil(position: head, timeout: patience)
    }
    task.cancel()
    _ = await task.result
    for status in set.status() where status.failure != nil || status.checkpoint != head {
        throw CaughtUpShort(message: "\(status.name) stopped at \(status.checkpoint) of \(head): \(String(describing: status.failure))")
    }
}

/// A projection that stopped short of the head in `catchUp`.
public struct CaughtUpShort: Error, CustomStringConvertible {
    /// Which projection stopped where, and why.
    public let message: String
    public var description: String { message }
}
