public import EventLog

extension EventStore {
    /// Runs a decision spanning several streams and appends its events to all of them atomically.
    ///
    /// `decide` reads the streams it needs through `StreamStates` (each load records the version
    /// read) and returns the events per stream. They are appended in one atomic append, each stream
    /// expecting the version the decision read (or its `expectedVersion`, when given; a stream that
    /// was not read expects the version it had at decision time). On a concurrency conflict the whole
    /// decision runs again, up to `options.maxRetries` times. Either every stream gets its events or
    /// none does: this is how "one account per email" holds.
    ///
    /// `attached` appends go with the decision's events in the same atomic append whenever it has
    /// some (infrastructure records such as an idempotency claim).
    ///
    /// - Throws: `CommandError.rejected` with what `decide` threw, `.conflict` when every attempt
    ///   conflicted, `.store` when loading, encoding or appending failed.
    public func handle<Rejection: Error>(
        metadata: EventMetadata = EventMetadata(), attached: [StreamAppend] = [],
        _ decide: (StreamStates) throws(Rejection) -> [StreamEvents]
    ) async throws(CommandError<Rejection>) -> MultiStreamOutcome {
        var attempt = 0
        while true {
            attempt += 1
            let states = StreamStates(store: self)
            let decided: [StreamEvents]
            do {
                decided = try decide(states).filter { !$0.events.isEmpty }
            } catch {
                if let failure = states.failure { throw .store(failure) }
                throw .rejected(error)
            }
            if let failure = states.failure { throw .store(failure) }
            guard !decided.isEmpty else { return MultiStreamOutcome(streams: [], append: nil, attempts: attempt) }

            var appends: [StreamAppend] = []
            for part in decided {
                let expected = part.expectedVersion
                    ?? .exactly(states.version(of: part.stream) ?? log.version(of: part.stream))
                do {
                    appends.append(StreamAppend(stream: part.stream, expectedVersion: expected,
                                                events: try propose(part.events, metadata: metadata)))
                } catch {
                    throw .store(error)
                }
            }
            let result: AppendResult
            do {
                result = try await tracedAppend(appends + attached)
            } catch {
                guard error.kind == .wrongExpectedVersion else { throw .store(.log(error)) }
                if attempt > options.maxRetries { throw .conflict(error, attempts: attempt) }
                continue
            }
            for part in decided {
                if let version = result.streamVersions[part.stream] {
                    states.entries[part.stream]?.afterAppend(part.events, version)
                }
            }
            return MultiStreamOutcome(streams: decided, append: result, attempts: attempt)
        }
    }
}
