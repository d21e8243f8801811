/// The streams a multi-stream decision reads, loaded on demand and remembered with their versions.
///
/// Given to the decision closure of `EventStore.handle(metadata:_:)`: each `state(of:stream:)` loads
/// the stream (snapshot plus tail) and records the version read, which becomes the stream's expected
/// version when the decision appends to it. Loading happens synchronously inside the closure; if
/// it fails, `state(of:stream:)` returns the initial state and the store throws the load error
/// instead of using the decision.
public final class StreamStates {
    struct Entry {
        var version: Int64
        /// Snapshots the stream after its events were appended, when due.
        var afterAppend: ([any DomainEvent], Int64) -> Void
    }

    let store: EventStore
    private(set) var entries: [String: Entry] = [:]
    private(set) var failure: EventStoreError?

    init(store: EventStore) {
        self.store = store
    }

    /// The state of `stream` for decider `D`; its version becomes the expected version of an append to it.
    public func state<D: Decider>(of decider: D.Type, stream: String) -> D.State where D.Event: DomainEvent {
        let loaded: Loaded<D.State>
        do {
            loaded = try store.load(D.self, stream: stream)
        } catch {
            if failure == nil { failure = error }
            return D.initialState
        }
        let store = self.store
        entries[stream] = Entry(version: loaded.version) { events, version in
            let typed = events.compactMap { $0 as? D.Event }
            guard typed.count == events.count else { return }
            store.snapshotIfDue(D.self, stream: stream, state: typed.reduce(loaded.state, D.evolve), version: version,
                                since: loaded.snapshotVersion ?? 0)
        }
        return loaded.state
    }

    /// The version at which `stream` was read, or `nil` when the decision has not read it.
    public func version(of stream: String) -> Int64? {
        entries[stream]?.version
    }
}
