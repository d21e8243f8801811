public import EventSourcing
public import Projections
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

/// Runs a live `EventFeed` as a service: one log subscription for its subscribers until graceful
/// shutdown, which ends every open stream.
public struct FeedService<Event: DomainEvent>: Service {
    /// The feed.
    public let feed: EventFeed<Event>

    /// The service.
    public init(feed: EventFeed<Event>) {
        self.feed = feed
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await feed.run()
        }
    }
}
