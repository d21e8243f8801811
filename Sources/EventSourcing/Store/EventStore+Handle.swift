public import EventLog

extension EventStore {
    /// Runs `command` through decider `D` on `stream` and appends what it decides.
    ///
    /// Loads the stream (snapshot plus tail), decides, and appends with the loaded version as the
    /// expected version. When another writer appended in between (`wrongExpectedVersion`), the
    /// stream is reloaded and the command decided again, up to `options.maxRetries` times; the
    /// second decision may then be a rejection (the rule now forbids it). After a commit, a snapshot
    /// is written when due.
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
        var attempt = 0
        while true {
            attempt += 1
            let loaded: Loaded<D.State>
            do {
                loaded = try load(D.self, stream: stream)
            } catch {
                throw .store(error)
            }
            let events: [D.Event]
            do {
                events = try D.decide(command, loaded.state)
            } catch {
                throw .rejected(error)
            }
            guard !events.isEmpty else {
                return CommandOutcome(events: [], append: nil, state: loaded.state, version: loaded.version, attempts: attempt)
            }
            let proposed: [ProposedEvent]
            do {
                proposed = try propose(events, metadata: metadata)
            } catch {
                throw .store(error)
            }
            let result: AppendResult
            do {
                result = try await log.append([StreamAppend(stream: stream, expectedVersion: .exactly(loaded.version), events: proposed)] + attached)
            } catch {
                guard error.kind == .wrongExpectedVersion else { throw .store(.log(error)) }
                if attempt > options.maxRetries { throw .conflict(error, attempts: attempt) }
                continue
            }
            let state = events.reduce(loaded.state, D.evolve)
            let version = result.streamVersions[stream] ?? loaded.version + Int64(events.count)
            snapshotIfDue(D.self, stream: stream, state: state, version: version, since: loaded.snapshotVersion ?? 0)
            return CommandOutcome(events: events, append: result, state: state, version: version, attempts: attempt)
        }
    }
}
