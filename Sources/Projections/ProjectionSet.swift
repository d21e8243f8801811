public import EventLog
public import EventSourcing
public import Foundation
public import Logging
import Synchronization

/// Every projection of a directory (`projections/*.sql`), each with its runner and SQLite read
/// model under `<data>/readmodels/`.
///
/// `run()` is the service: it follows the log with every projection, rebuilds the stale ones at
/// start-up, watches the directory for changed files (a changed file is rebuilt beside the live
/// model and swapped in while queries keep answering), and serves `requestRebuild`. Rebuilds, here
/// and offline (`rebuild`), go through the same code: one read of the log fanned out to every
/// projection being built, each in parallel.
public final class ProjectionSet: Sendable {
    /// The runners, sorted by projection name.
    public let runners: [ProjectionRunner]
    /// The read models by projection name.
    public let databases: [String: SQLiteProjectionStorage]
    /// The directory of the `.sql` files, watched while `run()` runs.
    public let projectionsDirectory: URL
    /// How often `run()` checks the files for changes (and retries a follower that stopped on an
    /// error rather than at an event).
    public let pollInterval: Duration

    /// The log followed.
    public let log: EventLog
    private let batchSize: Int
    private let logger: Logger
    /// Rebuilds asked for, and the wake-up of the `run()` serving them (none while it is not running).
    private let requests = Mutex<(pending: [RebuildRequest], wake: AsyncStream<Void>.Continuation?)>(([], nil))

    private struct RebuildRequest: Sendable {
        var runners: [ProjectionRunner]
        var claimed: Bool
    }

    /// Loads every `.sql` file of `projectionsDirectory` and opens its read model in
    /// `<dataDirectory>/readmodels/`.
    ///
    /// - Parameters:
    ///   - keyStore: the data keys for revealing personal data; `nil` marks every such field erased.
    ///   - batchSize: events per transaction, live and in rebuilds.
    ///   - pollInterval: how often `run()` looks for changed files.
    public init(
        projectionsDirectory: URL, dataDirectory: URL, log: EventLog, keyStore: KeyStore?, batchSize: Int = 5_000,
        pollInterval: Duration = .seconds(2), logger: Logger = Logger(label: "protalent.readmodels")
    ) throws {
        SQLiteProcessSettings.apply()
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
        self.projectionsDirectory = projectionsDirectory
        self.pollInterval = pollInterval
        self.log = log
        self.batchSize = max(1, batchSize)
        self.logger = logger
    }

    /// The runner of the projection `name`.
    public func runner(named name: String) -> ProjectionRunner? {
        runners.first { $0.projection.name == name }
    }

    /// After an erasure has been applied: empties every live model's write-ahead log so no old
    /// page with the person's data remains (see `SQLiteProjectionStorage.scrub`).
    @discardableResult
    public func scrub() -> Bool {
        databases.values.map { $0.scrub() }.allSatisfy { $0 }
    }

    /// The status of every projection, sorted by name.
    public func status() -> [ProjectionStatus] {
        runners.map(\.status)
    }

    // MARK: Read-your-writes

    /// Waits until every projection's live model has applied `position`, up to `timeout` in all;
    /// returns whether they all have (a failed projection never does).
    public func waitUntil(position: Int64, timeout: Duration) async -> Bool {
        if runners.allSatisfy({ $0.status.checkpoint >= position }) { return true }
        let deadline = ContinuousClock.now + timeout
        return await withTaskGroup(of: Bool.self) { group in
            for runner in runners {
                group.addTask { await runner.waitUntil(position: position, timeout: deadline - ContinuousClock.now) }
            }
            var all = true
            for await reached in group where !reached { all = false }
            return all
        }
    }

    /// Waits until `condition` holds for the status of every projection (sorted by name), checked
    /// now and after each change a runner makes to its status, up to `timeout`; returns whether it
    /// held. For a state rather than a position: a swap done, a rebuild finished, a projection
    /// failed, a changed file refused.
    public func waitUntil(timeout: Duration, _ condition: @escaping @Sendable ([ProjectionStatus]) -> Bool) async -> Bool {
        await ChangeSignal.wait(for: runners.map(\.changes), timeout: timeout) { [self] in condition(status()) }
    }

    // MARK: Running

    /// Runs every projection until the task is cancelled, then returns (graceful shutdown: a
    /// rebuild under way is abandoned, its file discarded at the next start).
    ///
    /// Creates missing models, rebuilds those built by another version of their file (together,
    /// from one read of the log), follows the log with the others, checks the directory every
    /// `pollInterval` for changed files and serves `requestRebuild`. A failed projection stops
    /// alone; a new version of its file, or a rebuild, starts it again. Call it once at a time.
    public func run() async throws {
        for runner in runners where try runner.storage.state(of: .live) == nil {
            try runner.createEmptyLiveModel()
        }
        let stale = runners.filter { !$0.canFollow }
        if !stale.isEmpty { enqueue(RebuildRequest(runners: stale, claimed: false)) }
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        requests.withLock { $0.wake = wake }
        wake.yield() // serve what was asked before
        defer { requests.withLock { $0.wake = nil } }
        await withDiscardingTaskGroup { group in
            for runner in runners {
                group.addTask { await self.supervise(runner) }
            }
            group.addTask { await self.watchFiles() }
            group.addTask { await self.serveRebuilds(wakes) }
            group.addTask { await self.checkpointEverySecond() }
        }
    }

    private func enqueue(_ request: RebuildRequest) {
        let wake = requests.withLock { requests in
            requests.pending.append(request)
            return requests.wake
        }
        wake?.yield()
    }

    /// Starts rebuilding the projection `name` beside its live model and returns at once; its
    /// status says `rebuilding`, with progress, until the new model is swapped in. The rebuild
    /// runs inside `run()` (it starts when `run()` does, if it is not running yet).
    ///
    /// - Throws: `ReadModelError.unknown` for no such projection, `.rebuilding` when one is under way.
    public func requestRebuild(of name: String) throws(ReadModelError) {
        guard let runner = runner(named: name) else { throw ReadModelError.unknown(name) }
        guard runner.claimRebuild() else { throw ReadModelError.rebuilding(name) }
        enqueue(RebuildRequest(runners: [runner], claimed: true))
    }

    /// Rebuilds the projections named (all when empty) together and waits for the swap: one read
    /// of the log for all, each applied in parallel. `protalent rebuild` runs it offline.
    ///
    /// - Throws: `ReadModelError.unknown` for a name that is not a projection, `.rebuilding` when
    ///   one of them is being rebuilt already. An event that fails is reported in that runner's
    ///   status (the others go on).
    public func rebuild(
        _ names: [String] = [], progress: (@Sendable (String, RebuildProgress) -> Void)? = nil
    ) async throws {
        var chosen: [ProjectionRunner] = []
        for name in names {
            guard let runner = runner(named: name) else { throw ReadModelError.unknown(name) }
            chosen.append(runner)
        }
        if names.isEmpty { chosen = runners }
        _ = try await ProjectionRebuild.run(chosen, log: log, batchSize: batchSize, claim: .now, progress: progress)
    }

    /// Follows the log with `runner` whenever its live model can; otherwise (stale model being
    /// rebuilt, live model stopped at an event until a fixed file rebuilds it) waits for the runner
    /// to change (a swap). A follower that stopped on an error is started again after `pollInterval`.
    private func supervise(_ runner: ProjectionRunner) async {
        while !Task.isCancelled {
            guard runner.canFollow else {
                do { try await ChangeSignal.wait(for: [runner.changes]) { runner.canFollow } } catch { return }
                continue
            }
            do {
                try await runner.follow()
            } catch is CancellationError {
                return
            } catch {
                logger.error("projection follower stopped", metadata: ["projection": "\(runner.projection.name)", "error": "\(error)"])
            }
            // Stopped at an event (it waits above for a new model), or on an error: retry later.
            if runner.canFollow {
                do { try await Task.sleep(for: pollInterval) } catch { return }
            }
        }
    }

    /// Checkpoints every live model's write-ahead log once a second, on a thread of its own: the
    /// fsyncs stay off the runners' commits and the cooperative threads (see `checkpointWAL`).
    private func checkpointEverySecond() async {
        let queue = DispatchQueue(label: "protalent.readmodels.checkpoints")
        let storages = Array(databases.values)
        while true {
            do { try await Task.sleep(for: .seconds(1)) } catch { return }
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                queue.async {
                    for storage in storages { storage.checkpointWAL() }
                    done.resume()
                }
            }
        }
    }

    /// Polls the projection files; a changed one is adopted by its runner and rebuilt.
    private func watchFiles() async {
        var refused: [String: String] = [:] // name → version of a file that does not parse, reported once
        while true {
            do { try await Task.sleep(for: pollInterval) } catch { return }
            for runner in runners {
                let name = runner.projection.name
                let url = projectionsDirectory.appendingPathComponent("\(name).sql")
                guard let bytes = try? [UInt8](Data(contentsOf: url)) else { continue } // removed: keep the last version
                let version = Projection.version(of: bytes)
                guard version != runner.projection.version else {
                    runner.fileRefused(nil) // back to the version it has
                    continue
                }
                guard refused[name] != version else { continue }
                do {
                    let projection = try Projection(name: name, source: bytes, file: url.path)
                    refused[name] = nil
                    logger.info("projection file changed: rebuilding it beside the live model", metadata: [
                        "projection": "\(name)", "version": "\(version)",
                    ])
                    runner.adopt(projection)
                    enqueue(RebuildRequest(runners: [runner], claimed: false))
                } catch {
                    refused[name] = version
                    runner.fileRefused(error)
                    logger.error("projection file changed but does not parse: keeping the running version", metadata: [
                        "projection": "\(name)", "error": "\(error)",
                    ])
                }
            }
        }
    }

    /// Runs each rebuild request on its own child task, until cancelled.
    private func serveRebuilds(_ wakes: AsyncStream<Void>) async {
        await withDiscardingTaskGroup { group in
            for await _ in wakes {
                let due = requests.withLock { requests in
                    defer { requests.pending.removeAll() }
                    return requests.pending
                }
                for request in due {
                    group.addTask {
                        await self.serve(request)
                    }
                }
            }
        }
    }

    private func serve(_ request: RebuildRequest) async {
        let names = request.runners.map(\.projection.name)
        do {
            _ = try await ProjectionRebuild.run(request.runners, log: log, batchSize: batchSize,
                                                claim: request.claimed ? .claimed : .waiting, progress: nil)
        } catch is CancellationError {
            logger.debug("rebuild abandoned at shutdown", metadata: ["projections": "\(names)"])
        } catch {
            logger.error("rebuild failed", metadata: ["projections": "\(names)", "error": "\(error)"])
        }
    }
}
