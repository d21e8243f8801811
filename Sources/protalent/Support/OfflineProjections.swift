import EventLog
import EventSourcing
import Foundation
import Logging
import Projections
import ReadModels

extension DataDirectoryOptions {
    /// The projections of `projections` over this data directory's log opened read-only (no
    /// writer lock; runners stop at the head), with its key store: what offline commands run.
    func offlineProjectionSet(projections: String, label: String, batchSize: Int = 5_000) throws -> (EventLog, ProjectionSet) {
        let log = try EventLog.openReadOnly(directory: logDirectory)
        let keys = try KeyStore(dataDirectory: URL(fileURLWithPath: dataDirectory))
        var logger = Logger(label: label)
        logger.logLevel = .warning
        let set = try ProjectionSet(
            projectionsDirectory: URL(fileURLWithPath: projections), dataDirectory: URL(fileURLWithPath: dataDirectory),
            log: log, keyStore: keys, batchSize: batchSize, logger: logger
        )
        return (log, set)
    }
}
