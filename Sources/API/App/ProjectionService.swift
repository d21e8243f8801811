import Cryptography
import Domain
import EventLog
import EventSourcing
import Foundation
import Hummingbird
import Logging
public import Projections
import ReadModels
public import ServiceLifecycle

/// Runs every projection runner as a service: follows the log until graceful shutdown.
public struct ProjectionService: Service {
    /// The read models to keep up to date.
    public let readModels: ProjectionSet

    /// The service.
    public init(readModels: ProjectionSet) {
        self.readModels = readModels
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await readModels.run()
        }
    }
}
