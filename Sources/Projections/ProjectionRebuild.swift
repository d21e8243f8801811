import EventLog
import Synchronization

/// Rebuilds several projections together, blue/green: the one code path of `protalent rebuild`,
/// `ProjectionRunner.rebuild`, and the rebuilds a running `ProjectionSet` starts (changed file, on
/// demand, stale model at start-up).
///
/// The log is read, decoded and its personal data revealed once per batch (`buildBatchFactor`
/// live batches), and the batch handed to every build, each applying on its own task (its own
/// database, so they run in parallel) at its own pace, up to `window` batches behind the reader.
/// Each build creates its deferred indexes as soon as its last batch is in; then each catches up
/// to the head under its runner's live lock and is swapped in. A build
/// whose file changes meanwhile is abandoned (a new rebuild follows); one whose event fails stops
/// alone and is reported in its runner's status.
enum ProjectionRebuild {
    /// When a runner already rebuilding is asked to rebuild again.
    enum Claim {
        /// Throw `ReadModelError.rebuilding`.
        case now
        /// Wait for that rebuild to end (it ends soon when abandoned for a changed file).
        case waiting
        /// The caller already claimed the runners (`ProjectionRunner.claimRebuild`).
        case claimed
    }

    /// Rebuilds `runners`; returns the names of those swapped in.
    static func run(
        _ runners: [ProjectionRunner], log: EventLog, batchSize: Int, claim: Claim,
        progress report: (@Sendable (String, RebuildProgress) -> Void)?
    ) async throws -> Set<String> {
        var claimed: [ProjectionRunner] = []
        defer { for runner in claimed { runner.releaseRebuild() } }
        for runner in runners {
            switch claim {
            case .claimed:
                break
            case .now:
                guard runner.claimRebuild() else { throw ReadModelError.rebuilding(runner.projection.name) }
            case .waiting:
                try await ChangeSignal.wait(for: [runner.changes]) { runner.claimRebuild() } // woken by its release
            }
            claimed.append(runner)
        }
        var active: [ProjectionRunner] = []
        for runner in claimed {
            if try runner.startBuild() { active.append(runner) }
        }

        /// Drops the runners that `keep` refuses, releasing them at once so a new rebuild can start.
        func retain(_ keep: (ProjectionRunner) -> Bool) {
            let dropped = active.filter { !keep($0) }
            guard !dropped.isEmpty else { return }
            active.removeAll { !keep($0) }
            for runner in dropped { runner.releaseRebuild() }
            claimed.removeAll { runner in dropped.contains { $0 === runner } }
        }

        let total = log.head
        let batchSize = batchSize * Self.buildBatchFactor
        var built: Int64 = 0
        if !active.isEmpty {
            let workers = active
            let revealer = workers[0].revealer // the runners of one set share one key store
            let projections = workers.compactMap(\.buildProjection)
            let channels = workers.map { _ in AsyncStream.makeStream(of: RevealedBatch.self) }
            let shared = Tally(builds: workers.count)
            try await withThrowingTaskGroup(of: Void.self) { group in
                defer { for channel in channels { channel.continuation.finish() } }
                for (index, runner) in workers.enumerated() {
                    let batches = channels[index].stream
                    group.addTask {
                        do {
                            for await batch in batches {
                                let ok = try runner.applyBuild(batch)
                                let last = batch.lastPosition
                                let step = RebuildProgress(done: last, total: max(total, last))
                                runner.buildProgressed(step)
                                report?(runner.projection.name, step)
                                let leaving = !ok || runner.buildSuperseded
                                shared.state.withLock { state in
                                    state.done[index] += 1
                                    if leaving { state.left.insert(index) }
                                }
                                shared.changes.signal()
                                if leaving { return }
                            }
                            // Its last batch is in: create its deferred indexes now, while the
                            // slower builds still apply theirs (`finishBuild` then skips them).
                            if !Task.isCancelled, !runner.buildSuperseded { try runner.storage.indexBuild() }
                        } catch {
                            shared.state.withLock { _ = $0.left.insert(index) }
                            shared.changes.signal()
                            throw error
                        }
                    }
                }
                // The log is read (and personal data revealed) once, a batch ahead of the builds,
                // each applying on its own task at its own pace, at most `window` batches behind.
                var sent = 0
                var stopped: Set<Int> = []
                var events = try log.read(from: 1, maxCount: batchSize, caching: false)
                while !events.isEmpty {
                    try Task.checkCancellation()
                    let (left, slowest) = shared.progress()
                    let newlyLeft = left.subtracting(stopped)
                    if !newlyLeft.isEmpty {
                        for index in newlyLeft { channels[index].continuation.finish() }
                        stopped.formUnion(newlyLeft)
                        // Release them at once, so that a new rebuild of a changed file can start.
                        retain { runner in !newlyLeft.contains { workers[$0] === runner } }
                    }
                    guard let slowest else { break } // every build left
                    if sent - slowest >= window {
                        // Until the slowest build takes a batch, or one leaves.
                        try await ChangeSignal.wait(for: [shared.changes]) {
                            let (left, slowest) = shared.progress()
                            return left != stopped || slowest.map { sent - $0 < window } ?? true
                        }
                        continue
                    }
                    let last = events[events.count - 1].position
                    let batch = RevealedBatch(consume events, revealer: revealer) { type in projections.contains { $0.use(of: type).readsPayload } }
                    for index in workers.indices where !stopped.contains(index) { channels[index].continuation.yield(batch) }
                    sent += 1
                    built = last
                    events = last < log.head ? try log.read(from: last + 1, maxCount: batchSize, caching: false) : []
                }
                for channel in channels { channel.continuation.finish() }
                try await group.waitForAll()
            }
            let failed = shared.state.withLock { $0.left }
            retain { runner in !failed.contains { workers[$0] === runner } }
        }

        retain { !$0.buildSuperseded }
        let reached = built
        var swapped: Set<String> = []
        try await withThrowingTaskGroup(of: String?.self) { group in
            for runner in active {
                group.addTask {
                    guard let end = try runner.finishBuild(from: reached) else { return nil }
                    report?(runner.projection.name, RebuildProgress(done: end, total: max(total, end)))
                    return runner.projection.name
                }
            }
            for try await name in group {
                if let name { swapped.insert(name) }
            }
        }
        return swapped
    }

    /// Per build of a rebuild: batches applied, and whether it left (failed or superseded).
    private final class Tally: Sendable {
        let state: Mutex<(done: [Int], left: Set<Int>)>
        /// Signalled when a build applied a batch or left.
        let changes = ChangeSignal()
        init(builds: Int) { state = Mutex((Array(repeating: 0, count: builds), [])) }

        /// The builds that left, and the batches applied by the slowest of the others (`nil`: all left).
        func progress() -> (left: Set<Int>, slowest: Int?) {
            state.withLock { state in
                (state.left, state.done.indices.filter { !state.left.contains($0) }.map { state.done[$0] }.min())
            }
        }
    }

    /// Builds read batches this many times the live batch size (and commit every few seconds:
    /// `SQLiteProjectionStorage.buildCommitInterval`): larger batches cost less system time, up to
    /// this size (docs/performance.md, "Build batch factor").
    static let buildBatchFactor = 4

    /// How many batches the reader may be ahead of the slowest build: enough that the cheap builds
    /// finish early and create their deferred indexes while the costliest still applies its
    /// batches, few enough to bound memory (12 × 20,000 events, shared) (docs/performance.md,
    /// "Reader window").
    static let window = 12
}
