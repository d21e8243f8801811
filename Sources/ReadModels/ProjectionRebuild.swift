import EventLog

/// Rebuilds several projections together, blue/green: the one code path of `protalent rebuild`,
/// `ProjectionRunner.rebuild`, and the rebuilds a running `ProjectionSet` starts (changed file, on
/// demand, stale model at start-up).
///
/// The log is read and decoded once per batch and the batch fanned out to every build, each
/// applied on its own task (its own database, so they run in parallel) while the next batch is
/// read. Then each build catches up to the head under its runner's live lock and is swapped in.
/// A build whose file changes meanwhile is abandoned (a new rebuild follows); one whose event
/// fails stops alone and is reported in its runner's status.
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
                while !runner.claimRebuild() { try await Task.sleep(for: .milliseconds(50)) }
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
        var position: Int64 = 0
        var events = active.isEmpty ? [] : try log.read(from: 1, maxCount: batchSize)
        while !events.isEmpty, !active.isEmpty {
            try Task.checkCancellation()
            let batch = events
            let last = batch[batch.count - 1].position
            // Not at the head yet: read the next batch while this one is applied.
            let readNext = last < log.head
            let workers = active
            let (next, failed) = try await withThrowingTaskGroup(of: Outcome.self) { group in
                if readNext {
                    group.addTask { .read(try log.read(from: last + 1, maxCount: batchSize)) }
                }
                for (index, runner) in workers.enumerated() {
                    group.addTask { .applied(index, try runner.applyBuild(batch)) }
                }
                var next: [RecordedEvent] = []
                var failed: Set<Int> = []
                for try await outcome in group {
                    switch outcome {
                    case .read(let events): next = events
                    case .applied(let index, let ok): if !ok { failed.insert(index) }
                    }
                }
                return (next, failed)
            }
            let failedRunners = failed.map { workers[$0] }
            retain { runner in !failedRunners.contains { $0 === runner } && !runner.buildSuperseded }
            position = last
            let step = RebuildProgress(done: position, total: max(total, position))
            for runner in active {
                runner.buildProgressed(step)
                report?(runner.projection.name, step)
            }
            events = next
        }

        retain { !$0.buildSuperseded }
        var swapped: Set<String> = []
        let built = position
        try await withThrowingTaskGroup(of: String?.self) { group in
            for runner in active {
                group.addTask {
                    guard let end = try runner.finishBuild(from: built) else { return nil }
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

    private enum Outcome: Sendable {
        case read([RecordedEvent])
        case applied(Int, Bool)
    }
}
