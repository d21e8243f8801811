public import EventLog
import Foundation

/// The command side's gateway to the log: loads deciders' states (from a snapshot plus the events
/// after it), runs commands through deciders and appends what they decide with optimistic
/// concurrency, retrying on conflict.
///
/// Generic: it knows deciders, `DomainEvent`s and streams, nothing of a particular domain.
///
/// ```swift
/// let store = EventStore(log: log, codec: EventCodec(cipher: KeyStoreCipher(keyStore: keys)),
///                        snapshots: SnapshotStore(directory: data + "/snapshots"))
/// let outcome = try await store.handle(.deposit(50), to: Account.self, stream: "account-1",
///                                      metadata: EventMetadata(actor: "user-1"))
/// ```
public final class EventStore: Sendable {
    /// Tuning of the store.
    public struct Options: Sendable {
        /// A snapshot is written after a command once the stream grew by this many events since the
        /// snapshot it loaded from (or since its start); 0 disables snapshot writes.
        public var snapshotInterval: Int
        /// How many times a command is decided again after a concurrency conflict.
        public var maxRetries: Int

        /// Options (defaults: a snapshot every 100 events, 3 retries).
        public init(snapshotInterval: Int = 100, maxRetries: Int = 3) {
            self.snapshotInterval = snapshotInterval
            self.maxRetries = maxRetries
        }
    }

    /// The log.
    public let log: EventLog
    /// How events become payloads and back.
    public let codec: EventCodec
    /// Where snapshots live; `nil` disables them.
    public let snapshots: SnapshotStore?
    /// Tuning.
    public let options: Options
    /// Stamps snapshots.
    public let clock: Clock
    /// Makes event ids.
    public let ids: IdGenerator
    /// Commands queued per stream behind the one being decided (`handle(_:to:stream:)`).
    let mailboxes = StreamMailboxes()

    /// Number of events read per `readStream` call while loading.
    static let readPage = 1_000

    /// A store over `log`.
    public init(
        log: EventLog, codec: EventCodec = EventCodec(), snapshots: SnapshotStore? = nil,
        options: Options = Options(), clock: Clock = .system, ids: IdGenerator = .random
    ) {
        self.log = log
        self.codec = codec
        self.snapshots = snapshots
        self.options = options
        self.clock = clock
        self.ids = ids
    }

    // MARK: Loading

    /// The state of `stream` for decider `D` and the version it reflects.
    ///
    /// When `D` is a `SnapshottableDecider`, a snapshot store is configured and `useSnapshot` is
    /// true, loading starts from the stream's snapshot (if usable) and reads only the events after
    /// it; otherwise it folds every event of the stream. Pass `useSnapshot: false` to measure or to
    /// rule snapshots out.
    public func load<D: Decider>(
        _ decider: D.Type, stream: String, useSnapshot: Bool = true
    ) throws(EventStoreError) -> Loaded<D.State> where D.Event: DomainEvent {
        var state = D.initialState
        var version: Int64 = 0
        var snapshotVersion: Int64?
        if useSnapshot, let snapshots, let snapshottable = D.self as? any SnapshottableDecider.Type,
           let snapshot = Self.readSnapshot(snapshottable, from: snapshots, stream: stream),
           let snapshotState = snapshot.state as? D.State,
           snapshot.version <= log.version(of: stream) {  // a snapshot ahead of the log belongs to another log
            state = snapshotState
            version = snapshot.version
            snapshotVersion = snapshot.version
        }
        var eventsRead = 0
        while true {
            let records: [RecordedEvent]
            do {
                records = try log.readStream(stream, from: version + 1, maxCount: Self.readPage)
            } catch {
                throw .log(error)
            }
            for record in records {
                let event: D.Event
                do {
                    event = try codec.decode(D.Event.self, from: record)
                } catch {
                    throw .codec(error)
                }
                state = D.evolve(state, event)
                version = record.streamVersion
            }
            eventsRead += records.count
            if records.count < Self.readPage { break }
        }
        return Loaded(state: state, version: version, snapshotVersion: snapshotVersion, eventsRead: eventsRead)
    }

    private static func readSnapshot<S: SnapshottableDecider>(
        _ decider: S.Type, from snapshots: SnapshotStore, stream: String
    ) -> (state: Any, version: Int64)? {
        snapshots.read(S.self, stream: stream).map { ($0.state, $0.version) }
    }

    // MARK: Encoding

    /// The events as the log stores them, each with a fresh id and `metadata`.
    func propose(_ events: [any DomainEvent], metadata: EventMetadata) throws(EventStoreError) -> [ProposedEvent] {
        var proposed: [ProposedEvent] = []
        proposed.reserveCapacity(events.count)
        for event in events {
            do {
                proposed.append(try codec.encode(event, eventId: ids.next(), metadata: metadata))
            } catch {
                throw .codec(error)
            }
        }
        return proposed
    }

    // MARK: Snapshots after commands

    /// Writes a snapshot of `stream` when `D` is snapshottable and the stream grew by at least
    /// `options.snapshotInterval` events since `base`. A failed write is ignored: snapshots are a
    /// cache, and the command has committed.
    func snapshotIfDue<D: Decider>(_ decider: D.Type, stream: String, state: D.State, version: Int64, since base: Int64) {
        guard options.snapshotInterval > 0, version - base >= Int64(options.snapshotInterval), let snapshots,
              let snapshottable = D.self as? any SnapshottableDecider.Type
        else { return }
        Self.writeSnapshot(snapshottable, to: snapshots, stream: stream, state: state, version: version, takenAt: clock.now())
    }

    private static func writeSnapshot<S: SnapshottableDecider>(
        _ decider: S.Type, to snapshots: SnapshotStore, stream: String, state: Any, version: Int64, takenAt: Date
    ) {
        guard let state = state as? S.State else { return }
        try? snapshots.write(S.self, stream: stream, version: version, state: state, takenAt: takenAt)
    }
}
