public import EventLog
public import EventSourcing
import Foundation
public import Logging
import Synchronization

/// Runs one projection: builds its read model when there is none or its file changed (blue/green),
/// catches up from the checkpoint by reading the log in chunks, then follows the log live,
/// applying events in batches of one transaction each, checkpoint included.
///
/// Rebuilds go through `ProjectionRebuild`, alone or with other runners (`ProjectionSet`). While a new
/// version of the file builds, the live model keeps following with the statements it was built with.
///
/// Storage-agnostic: it drives any `ProjectionStorage`. Personal data is revealed (or marked
/// erased) before the payload reaches the storage. A failing event stops the runner at that event:
/// `status.failure` names it, and it is never skipped.
public final class ProjectionRunner: Sendable {
    /// The projection (its file and version): the newest version, which the next rebuild builds.
    public var projection: Projection { storage.projection }
    /// Where the rows go.
    public let storage: any ProjectionStorage
    /// The log followed.
    public let log: EventLog
    /// Events per transaction.
    public let batchSize: Int
    /// Where failures (error), rebuilds and swaps (debug) are logged; never with personal data.
    public let logger: Logger

    /// Reveals personal data for the statements (shared with the rebuilds of this runner).
    let revealer: PersonalDataRevealer
    private let progress: Mutex<Progress>
    /// Signalled after each change of `progress` (`waitUntil(timeout:_:)`, the set's supervisors).
    let changes = ChangeSignal()
    /// Serialises writes to the live model and the swap: the follower and a rebuild's final
    /// catch-up never interleave. Held only around synchronous storage calls.
    private let liveLock = Mutex(())

    private struct Progress {
        var checkpoint: Int64 = 0
        var liveVersion: String?
        var state: ProjectionStatus.State = .idle
        var failure: ProjectionFailure?
        var rebuilding = false
        var rebuild: RebuildProgress?
        /// The live model stopped at an event in this process: it is not followed again until a
        /// new model replaces it.
        var liveFailed = false
        /// The version being built (the file may change meanwhile).
        var build: Projection?
        /// The version the live model applies, when this process has its statements.
        var live: Projection?
        var following = false
        /// The newest version of the file, when it does not parse.
        var refusedFile: ProjectionFileError?
        var nextWaiter = 0
        var waiters: [Int: (position: Int64, continuation: CheckedContinuation<Void, Never>)] = [:]
    }

    /// A runner of the projection stored in `storage`, following `log`.
    ///
    /// - Parameters:
    ///   - keyStore: the data keys for revealing personal data; `nil` marks every such field erased.
    ///   - batchSize: events per transaction.
    ///   - logger: where failures, rebuilds and swaps are logged.
    public init(
        storage: any ProjectionStorage, log: EventLog, keyStore: KeyStore?, batchSize: Int = 5_000,
        logger: Logger = Logger(label: "protalent.readmodels")
    ) throws {
        self.storage = storage
        self.logger = logger
        self.log = log
        self.batchSize = max(1, batchSize)
        revealer = PersonalDataRevealer(keyStore: keyStore)
        var initial = Progress()
        if let live = try storage.state(of: .live) {
            initial.checkpoint = live.position
            initial.liveVersion = live.version
            initial.failure = live.failure
            if live.version == storage.projection.version { initial.live = storage.projection }
        }
        progress = Mutex(initial)
    }

    // MARK: Status and read-your-writes

    /// The projection's status now.
    public var status: ProjectionStatus {
        let head = log.head
        return progress.withLock { p in
            ProjectionStatus(name: projection.name, version: projection.version, liveVersion: p.liveVersion,
                             checkpoint: p.checkpoint, head: head, state: p.state, failure: p.failure, rebuild: p.rebuild,
                             refusedFile: p.refusedFile)
        }
    }

    /// Waits until `condition` holds for the status, checked now and after each change the runner
    /// makes to it (checkpoint, state, failure, rebuild progress, versions — not the log's head),
    /// up to `timeout`; returns whether it held. Read-your-writes waits on a position with
    /// `waitUntil(position:timeout:)`, which only wakes the waiters that are due.
    public func waitUntil(timeout: Duration, _ condition: @escaping @Sendable (ProjectionStatus) -> Bool) async -> Bool {
        await ChangeSignal.wait(for: [changes], timeout: timeout) { [self] in condition(status) }
    }

    /// Waits until the live model has applied `position`, up to `timeout`; returns whether it has.
    public func waitUntil(position: Int64, timeout: Duration) async -> Bool {
        if progress.withLock({ $0.checkpoint >= position }) { return true }
        let id = progress.withLock { p -> Int in
            p.nextWaiter += 1
            return p.nextWaiter
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let now = self.progress.withLock { p -> Bool in
                            if p.checkpoint >= position || Task.isCancelled { return true }
                            p.waiters[id] = (position, continuation)
                            return false
                        }
                        if now { continuation.resume() }
                    }
                } onCancel: {
                    self.progress.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        return progress.withLock { $0.checkpoint >= position }
    }

    private func logFailure(_ failure: ProjectionFailure, building: Bool) {
        logger.error("projection stopped at an event it cannot apply; fix the .sql file (a new version rebuilds it)", metadata: [
            "projection": "\(projection.name)", "position": "\(failure.position)", "type": "\(failure.eventType)",
            "error": "\(failure.message)", "model": "\(building ? "building" : "live")",
        ])
    }

    /// Changes the progress under its lock, then signals `changes`.
    private func update<T: Sendable>(_ change: (inout Progress) -> T) -> T {
        let result = progress.withLock { change(&$0) }
        changes.signal()
        return result
    }

    private func advance(to checkpoint: Int64, version: String? = nil, failure: ProjectionFailure?) {
        if let failure { logFailure(failure, building: false) }
        let ready = update { p -> [CheckedContinuation<Void, Never>] in
            p.checkpoint = checkpoint
            if let version {
                p.liveVersion = version
                p.failure = nil // a new model: older failures are history
                p.liveFailed = false
                if p.state == .failed { p.state = .idle }
            }
            if let failure {
                p.failure = failure
                p.liveFailed = true
                p.state = p.rebuilding ? .rebuilding : .failed
            }
            let due = p.waiters.filter { $0.value.position <= checkpoint }
            for id in due.keys { p.waiters[id] = nil }
            return due.map(\.value.continuation)
        }
        for continuation in ready { continuation.resume() }
    }

    // MARK: Running

    /// Creates the model if it is missing, rebuilds it beside the live one if it was built by another
    /// version of the file, catches up, then follows the log until the task is cancelled or the log
    /// closes. Returns early when an event fails (`status.state == .failed`).
    public func run() async throws {
        if try storage.state(of: .live) == nil {
            try createEmptyLiveModel()
        } else if !storage.canApplyToLive {
            guard try await rebuild(progress: nil) else { return }
        }
        try await follow()
    }

    /// Whether the live model exists and can follow the log: built by a version this process has,
    /// and not stopped at an event since it went live.
    var canFollow: Bool { storage.canApplyToLive && !progress.withLock(\.liveFailed) }

    /// Makes an empty model live at once when there is none: there is no older model to protect,
    /// and it catches up like any lagging model (consistent at its checkpoint; `waitUntil` bounds
    /// staleness).
    func createEmptyLiveModel() throws {
        let building = projection
        try liveLock.withLock { _ throws in
            try storage.beginBuild()
            try storage.promoteBuild()
            update { $0.live = building }
        }
        advance(to: 0, version: building.version, failure: nil)
    }

    /// Rebuilds the model from position 0 beside the live one, catches it up to the head and swaps
    /// it in; the live model keeps answering (and, if it can, following) until then.
    ///
    /// The same code as `ProjectionSet.rebuild`, with this projection alone.
    ///
    /// - Parameter progress: called after each batch with events done and the head aimed at.
    /// - Returns: whether the new model was swapped in (`false`: an event failed, see `status`).
    /// - Throws: `ReadModelError.rebuilding` when a rebuild is already under way.
    @discardableResult
    public func rebuild(progress report: (@Sendable (RebuildProgress) -> Void)?) async throws -> Bool {
        var forward: (@Sendable (String, RebuildProgress) -> Void)?
        if let report { forward = { _, step in report(step) } }
        let swapped = try await ProjectionRebuild.run([self], log: log, batchSize: batchSize, claim: .now, progress: forward)
        return swapped.contains(projection.name)
    }

    // MARK: File changes (driven by `ProjectionSet`)

    /// Makes `projection`, a new version of the file, the one the next rebuild builds.
    func adopt(_ projection: Projection) {
        storage.adopt(projection)
        update { $0.refusedFile = nil }
    }

    /// Records that the newest version of the file does not parse (`nil`: the file on disk is the
    /// version the runner has); signals only a change.
    func fileRefused(_ error: ProjectionFileError?) {
        let changed = progress.withLock { p -> Bool in
            guard p.refusedFile != error else { return false }
            p.refusedFile = error
            return true
        }
        if changed { changes.signal() }
    }

    // MARK: Rebuild steps (driven by `ProjectionRebuild`)

    /// Marks a rebuild under way; `false` when one already is.
    func claimRebuild() -> Bool {
        let head = log.head
        let claimed = progress.withLock { p -> Bool in
            if p.rebuilding { return false }
            p.rebuilding = true
            p.state = .rebuilding
            p.rebuild = RebuildProgress(done: 0, total: head)
            return true
        }
        if claimed { changes.signal() } // not when refused: a waiting claim would wake itself
        return claimed
    }

    /// Ends the rebuild claimed by `claimRebuild`, whatever its outcome.
    func releaseRebuild() {
        update { p in
            p.rebuilding = false
            p.rebuild = nil
            p.build = nil
            if p.state == .rebuilding { p.state = p.following ? .running : .idle }
        }
    }

    /// Starts an empty build of the current version; `false` (failure reported) when its schema fails.
    func startBuild() throws -> Bool {
        let building = projection
        let version = building.version
        do {
            try storage.beginBuild()
        } catch let error as ProjectionFileError {
            buildFailed(ProjectionFailure(position: 0, eventType: "-", message: "\(error)"))
            return false
        }
        update { $0.build = building }
        logger.debug("rebuilding projection", metadata: ["projection": "\(projection.name)", "version": "\(version)", "head": "\(log.head)"])
        return true
    }

    /// Whether the file changed since the build started (the build is then abandoned for a new one).
    var buildSuperseded: Bool {
        let version = projection.version
        return progress.withLock { $0.build?.version != version }
    }

    /// Records how far the build is.
    func buildProgressed(_ step: RebuildProgress) {
        update { $0.rebuild = step }
    }

    /// The version being built, if a build is under way.
    var buildProjection: Projection? { progress.withLock { $0.build } }

    /// Applies a batch to the build; `false` (failure reported) when an event fails.
    func applyBuild(_ batch: RevealedBatch) throws -> Bool {
        // The batch's events are shared by every build: keep the ones this version handles.
        let building = progress.withLock { $0.build }
        let uses = building?.eventUses ?? .everything
        let useOfType = batch.types.map { uses.use(of: $0) } // by type index: no look-up per event
        // Usually the batch goes whole (the statements skip the types they do not handle): a copy
        // of each handled event into an array of this build's own retained its storage, which
        // the builds share across cores. Only a batch with no handled event, or with a payload
        // the reader did not reveal for this build, is sorted here.
        var handled = false, revealHere = false
        for index in batch.events.indices {
            let use = useOfType[batch.typeIndexes[index]]
            guard use.handled else { continue }
            handled = true
            if use.readsPayload, !batch.revealed[index] {
                revealHere = true
                break
            }
        }
        if handled, !revealHere {
            if let failure = try storage.apply(batch.events, through: batch.lastPosition, to: .building) {
                buildFailed(failure)
                return false
            }
            return true
        }
        var prepared: [ProjectionEvent] = []
        prepared.reserveCapacity(batch.events.count)
        var revealFailure: ProjectionFailure?
        for index in batch.events.indices {
            let use = useOfType[batch.typeIndexes[index]]
            if !use.handled { continue }
            guard use.readsPayload, !batch.revealed[index] else {
                prepared.append(batch.events[index])
                continue
            }
            // Failed in the reader, or not asked for by the batch (no build said it reads it).
            do {
                prepared.append(try reveal(batch.events[index].record, known: batch.failures[index]))
            } catch {
                revealFailure = error
                break
            }
        }
        let last = revealFailure.map { $0.position - 1 } ?? batch.lastPosition
        if let failure = try storage.apply(prepared, through: last, to: .building) {
            buildFailed(failure)
            return false
        }
        if let revealFailure {
            try storage.recordFailure(revealFailure, in: .building)
            buildFailed(revealFailure)
            return false
        }
        return true
    }

    /// Applies the last events up to the head and swaps the build in, under the live lock so no
    /// live batch lands in between. Returns the build's checkpoint, `nil` when an event failed.
    func finishBuild(from start: Int64) throws -> Int64? {
        var position = start
        guard let building = progress.withLock({ $0.build }) else { throw ReadModelError.noBuild(projection.name) }
        try storage.indexBuild() // the long part, before the lock: the live model keeps following meanwhile
        let outcome = try liveLock.withLock { _ throws -> ProjectionFailure? in
            while true {
                let events = try log.read(from: position + 1, maxCount: batchSize)
                if events.isEmpty { break }
                let (prepared, revealFailure) = prepare(events, for: building)
                let last = revealFailure.map { $0.position - 1 } ?? events[events.count - 1].position
                if let failure = try storage.apply(prepared, through: last, to: .building) { return failure }
                if let revealFailure {
                    try storage.recordFailure(revealFailure, in: .building)
                    return revealFailure
                }
                position = events[events.count - 1].position
            }
            try storage.promoteBuild()
            update { $0.live = building }
            // Still under the lock: the follower's next batch must see the new checkpoint.
            advance(to: position, version: building.version, failure: nil)
            return nil
        }
        if let outcome {
            buildFailed(outcome)
            return nil
        }
        logger.debug("projection rebuilt and swapped in", metadata: ["projection": "\(projection.name)", "position": "\(position)"])
        return position
    }

    /// A rebuild stopped at an event: reported in `status.failure`; the projection is `failed` unless
    /// the live model keeps following the log.
    private func buildFailed(_ failure: ProjectionFailure) {
        logFailure(failure, building: true)
        update { p in
            p.failure = failure
            p.state = p.following && !p.liveFailed ? .running : .failed
        }
    }

    /// The events of a batch that `projection` (the version of the target model) handles, with
    /// their personal data revealed for its statements; stops at the first payload that cannot be
    /// revealed. The others need no row, only the checkpoint.
    private func prepare(_ events: some Collection<RecordedEvent>, for projection: Projection?) -> ([ProjectionEvent], ProjectionFailure?) {
        let uses = projection?.eventUses ?? .everything
        var prepared: [ProjectionEvent] = []
        prepared.reserveCapacity(events.count)
        for event in events {
            let use = uses.use(of: event.type)
            if !use.handled { continue }
            if !use.readsPayload {
                prepared.append(ProjectionEvent(record: event, payload: []))
                continue
            }
            do {
                prepared.append(try reveal(event))
            } catch {
                return (prepared, error)
            }
        }
        return (prepared, nil)
    }

    /// `record` with its personal data revealed, or why it cannot be (`known`: the reason the
    /// rebuild's reader already found).
    private func reveal(_ record: RecordedEvent, known: String? = nil) throws(ProjectionFailure) -> ProjectionEvent {
        func failure(_ why: String) -> ProjectionFailure {
            ProjectionFailure(position: record.position, eventType: record.type, message: "personal data cannot be revealed: \(why)")
        }
        if let known { throw failure(known) }
        do {
            return ProjectionEvent(record: record, payload: try revealer.reveal(record.payload))
        } catch {
            throw failure("\(error)")
        }
    }

    /// Applies events to the live model (skipping those a swap already covered). Returns `false` on failure.
    private func applyLive(_ events: [RecordedEvent]) throws -> Bool {
        let failure = try liveLock.withLock { _ throws -> ProjectionFailure? in
            let checkpoint = progress.withLock { $0.checkpoint }
            let fresh = events.drop { $0.position <= checkpoint }
            guard !fresh.isEmpty else { return nil }
            let (prepared, revealFailure) = prepare(fresh, for: progress.withLock { $0.live })
            let last = revealFailure.map { $0.position - 1 } ?? fresh[fresh.index(before: fresh.endIndex)].position
            // Only the live model's batches are traced: a rebuild replays history nobody is waiting on.
            let failure = try ReadSideSpans.applying(prepared.lazy.map(\.record), projection: projection.name) {
                try storage.apply(prepared, through: last, to: .live)
            }
            if let failure {
                advance(to: failure.position - 1, failure: failure)
                return failure
            }
            if let revealFailure {
                try storage.recordFailure(revealFailure, in: .live)
                advance(to: revealFailure.position - 1, failure: revealFailure)
                return revealFailure
            }
            advance(to: fresh[fresh.index(before: fresh.endIndex)].position, failure: nil)
            return nil
        }
        return failure == nil
    }

    /// Catches up from the checkpoint and follows the log live, until the task is cancelled, the
    /// log closes or an event fails.
    func follow() async throws {
        update { p in
            p.failure = nil // tried again: a restart retries the event that failed
            p.liveFailed = false
            p.following = true
            if !p.rebuilding { p.state = .catchingUp }
        }
        defer {
            update { p in
                p.following = false
                if p.state == .running || p.state == .catchingUp { p.state = .idle }
            }
        }
        while true {
            try Task.checkCancellation()
            let checkpoint = progress.withLock { $0.checkpoint }
            let events = try log.read(from: checkpoint + 1, maxCount: batchSize)
            if events.isEmpty { break }
            guard try applyLive(events) else { return }
            await Task.yield()
        }
        update { p in if !p.rebuilding { p.state = .running } }
        var batch: [RecordedEvent] = []
        let start = progress.withLock { $0.checkpoint } + 1
        for try await event in log.subscribe(from: start) {
            batch.append(event)
            if batch.count >= batchSize || event.position >= log.head {
                guard try applyLive(batch) else { return }
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { _ = try applyLive(batch) }
    }
}
