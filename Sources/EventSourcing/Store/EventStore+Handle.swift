public import EventLog

extension EventStore {
    /// Runs `command` through decider `D` on `stream` and appends what it decides.
    ///
    /// Commands for the same stream queue in the store's mailbox (`StreamMailboxes`): one of them
    /// leads a round, loads the stream (snapshot plus tail), decides every queued command in order on
    /// the state the previous ones left, and appends all their events in one atomic append expecting
    /// the loaded version. So commands of this process never conflict with each other, and a busy
    /// stream costs one append per round. When a writer outside the mailbox appended in between
    /// (`wrongExpectedVersion`), the round is reloaded and decided again, up to `options.maxRetries`
    /// times; a decision may then be a rejection (the rule now forbids it). After a round, a
    /// snapshot is written when due.
    ///
    /// - Parameter metadata: actor, correlation and causation ids, copied onto every event.
    /// - Parameter attached: appends made atomically with the command's events whenever it has
    ///   some (infrastructure records such as an idempotency claim); a conflict on them retries
    ///   like one on `stream`.
    /// - Throws: `CommandError.rejected` with the decider's rejection, `.conflict` when every attempt
    ///   conflicted, `.store` when the log or codec failed.
    public func handle<D: Decider>(
        _ command: D.Command, to decider: D.Type, stream: String, metadata: EventMetadata = EventMetadata(),
        attached: [StreamAppend] = []
    ) async throws(CommandError<D.Rejection>) -> CommandOutcome<D.State, D.Event> where D.Event: DomainEvent {
        let key = StreamMailboxes.Key(stream: stream, decider: ObjectIdentifier(D.self))
        let queued = QueuedCommand<D>(command: command, metadata: metadata, attached: attached)
        let wake = await withCheckedContinuation { (continuation: CheckedContinuation<QueuedCommand<D>.Wake, Never>) in
            if !mailboxes.enqueueOrLead(key, QueuedCommand<D>.Waiting(command: queued, continuation: continuation)) {
                continuation.resume(returning: .lead)
            }
        }
        switch wake {
        case .done(let result): return try result.get()
        case .lead: return try await leadRound(key, D.self, own: queued).get()
        }
    }

    /// One round: the caller's command and those queued behind it, decided and appended together;
    /// each waiter gets its outcome, and the next one in the queue the lead.
    private func leadRound<D: Decider>(
        _ key: StreamMailboxes.Key, _ decider: D.Type, own: QueuedCommand<D>
    ) async -> QueuedCommand<D>.Result where D.Event: DomainEvent {
        let waiting = mailboxes.take(key, as: QueuedCommand<D>.Waiting.self, limit: StreamMailboxes.roundLimit - 1)
        let results = await decideAndAppend(D.self, stream: key.stream, [own] + waiting.map(\.command))
        for (waiter, result) in zip(waiting, results.dropFirst()) { waiter.continuation.resume(returning: .done(result)) }
        mailboxes.handOver(key, as: QueuedCommand<D>.Waiting.self)?.continuation.resume(returning: .lead)
        return results[0]
    }

    /// Decides `commands` in order on `stream`'s latest state and appends every event they decided
    /// at once; on a conflict with another writer, the whole round again.
    private func decideAndAppend<D: Decider>(
        _ decider: D.Type, stream: String, _ commands: [QueuedCommand<D>]
    ) async -> [QueuedCommand<D>.Result] where D.Event: DomainEvent {
        var attempt = 0
        while true {
            attempt += 1
            let loaded: Loaded<D.State>
            do {
                loaded = try load(D.self, stream: stream)
            } catch {
                return commands.map { _ in .failure(.store(error)) }
            }
            var state = loaded.state
            var version = loaded.version
            var decisions: [Decision<D>] = []
            var proposed: [ProposedEvent] = []
            var attached: [StreamAppend] = []
            for queued in commands {
                let events: [D.Event]
                do {
                    events = try D.decide(queued.command, state)
                } catch {
                    decisions.append(.failed(.rejected(error)))
                    continue
                }
                guard !events.isEmpty else {
                    decisions.append(.unchanged(state, version))
                    continue
                }
                do {
                    proposed += try propose(events, metadata: queued.metadata)
                } catch {
                    decisions.append(.failed(.store(error)))
                    continue
                }
                state = events.reduce(state, D.evolve)
                version += Int64(events.count)
                attached += queued.attached
                decisions.append(.appended(events, state, version))
            }
            var append: AppendResult?
            if !proposed.isEmpty {
                do {
                    append = try await tracedAppend([StreamAppend(stream: stream, expectedVersion: .exactly(loaded.version), events: proposed)] + attached)
                } catch {
                    guard error.kind == .wrongExpectedVersion else { return decisions.map { $0.result(failing: .store(.log(error)), attempt) } }
                    if attempt > options.maxRetries { return decisions.map { $0.result(failing: .conflict(error, attempts: attempt), attempt) } }
                    continue
                }
                snapshotIfDue(D.self, stream: stream, state: state, version: version, since: loaded.snapshotVersion ?? 0)
            }
            return decisions.map { $0.result(append: append, attempt) }
        }
    }
}

/// A command waiting in a stream's mailbox, and what it is answered.
struct QueuedCommand<D: Decider>: Sendable where D.Event: DomainEvent {
    typealias Result = Swift.Result<CommandOutcome<D.State, D.Event>, CommandError<D.Rejection>>
    typealias Wake = StreamMailboxes.Wake<Result>

    var command: D.Command
    var metadata: EventMetadata
    var attached: [StreamAppend]

    /// A queued command and how to wake its caller.
    struct Waiting: Sendable {
        var command: QueuedCommand
        var continuation: CheckedContinuation<Wake, Never>
    }
}

/// One command's part of a round.
private enum Decision<D: Decider> where D.Event: DomainEvent {
    /// Its events were part of the round's append; the state and version after them.
    case appended([D.Event], D.State, Int64)
    /// It decided nothing; the state and version it saw.
    case unchanged(D.State, Int64)
    case failed(CommandError<D.Rejection>)

    func result(append: AppendResult?, _ attempts: Int) -> QueuedCommand<D>.Result {
        switch self {
        case .appended(let events, let state, let version):
            .success(CommandOutcome(events: events, append: append, state: state, version: version, attempts: attempts))
        case .unchanged(let state, let version):
            .success(CommandOutcome(events: [], append: nil, state: state, version: version, attempts: attempts))
        case .failed(let error):
            .failure(error)
        }
    }

    /// The outcome when the round's append failed with `error`: commands that appended get it.
    func result(failing error: CommandError<D.Rejection>, _ attempts: Int) -> QueuedCommand<D>.Result {
        if case .appended = self { return .failure(error) }
        return result(append: nil, attempts)
    }
}
