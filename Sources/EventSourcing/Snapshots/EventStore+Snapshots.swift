import EventLog

extension EventStore {
    /// Writes a fresh snapshot for every stream whose name starts with `streamPrefix` and that holds
    /// at least `minimumEvents` events (default: `options.snapshotInterval`, at least 1), unless its
    /// snapshot is already at the stream's version. Used by `protalent snapshot`.
    ///
    /// - Returns: how many snapshots were written.
    @discardableResult
    public func snapshotAll<D: SnapshottableDecider>(
        _ decider: D.Type, streamPrefix: String, minimumEvents: Int? = nil
    ) throws(EventStoreError) -> Int where D.Event: DomainEvent {
        guard let snapshots else {
            throw .snapshot(path: "(none)", "this event store has no snapshot store; pass one to EventStore.init")
        }
        let threshold = Int64(max(1, minimumEvents ?? options.snapshotInterval))
        var written = 0
        for stream in log.streamNames().sorted() where stream.hasPrefix(streamPrefix) {
            guard log.version(of: stream) >= threshold else { continue }
            let loaded = try load(D.self, stream: stream)
            if loaded.snapshotVersion == loaded.version { continue }
            try snapshots.write(D.self, stream: stream, version: loaded.version, state: loaded.state, takenAt: clock.now())
            written += 1
        }
        return written
    }
}
