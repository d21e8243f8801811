import EventLog
import EventSourcing
import Foundation

/// The pieces of a data directory a command needs: the log, the key store and the snapshot store.
struct DataDirectory {
    let path: String
    let log: EventLog
    let keys: KeyStore
    let store: EventStore

    /// Opens the data directory for writing (takes the log's writer lock).
    static func open(_ path: String, snapshotInterval: Int = 100, logOptions: EventLogOptions = EventLogOptions()) throws -> DataDirectory {
        let log = try EventLog.open(directory: path + "/log", options: logOptions)
        let keys = try KeyStore(dataDirectory: URL(fileURLWithPath: path))
        let cipher = KeyStoreCipher(keyStore: keys)
        let store = EventStore(
            log: log, codec: EventCodec(cipher: cipher),
            snapshots: SnapshotStore(directory: path + "/snapshots", cipher: cipher),
            options: EventStore.Options(snapshotInterval: snapshotInterval)
        )
        return DataDirectory(path: path, log: log, keys: keys, store: store)
    }
}
