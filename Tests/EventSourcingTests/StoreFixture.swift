import EventLog
import EventSourcing
import Foundation
import TestSupport

/// A data directory with a real log, key store and snapshot store, for event-store tests.
final class StoreFixture: Sendable {
    let data: TemporaryDirectory
    let keys: KeyStore
    let log: EventLog

    init(_ label: String = "store") throws {
        data = try TemporaryDirectory(label)
        keys = try KeyStore(dataDirectory: data.url, environment: [:])
        log = try EventLog.open(directory: data.path + "/log", options: LogFixtures.options())
    }

    var logDirectory: String { data.path + "/log" }
    var snapshotDirectory: String { data.path + "/snapshots" }

    /// A store over the fixture's log, with encryption and snapshots.
    func store(
        log: EventLog? = nil, snapshotInterval: Int = 100, maxRetries: Int = 3,
        upcasters: EventUpcasters = EventUpcasters(), snapshots: Bool = true
    ) -> EventStore {
        let cipher = KeyStoreCipher(keyStore: keys)
        return EventStore(
            log: log ?? self.log, codec: EventCodec(cipher: cipher, upcasters: upcasters),
            snapshots: snapshots ? SnapshotStore(directory: snapshotDirectory, cipher: cipher) : nil,
            options: EventStore.Options(snapshotInterval: snapshotInterval, maxRetries: maxRetries),
            clock: .fixed(Date(timeIntervalSince1970: 1_795_543_200)), ids: .random)
    }

    func close() {
        log.close()
        data.remove()
    }
}
