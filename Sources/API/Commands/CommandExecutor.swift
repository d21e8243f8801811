public import Domain
public import EventLog
public import EventSourcing
public import Foundation
public import Logging

/// The command side as routes use it: runs commands through deciders, appends what they decide,
/// and maps every failure to an `APIError`.
///
/// A thin face over `EventStore` with the HTTP edge's conventions: the caller's `Principal` becomes
/// the events' actor, the answer carries the log position for `X-Log-Position`, and a storage
/// failure becomes a 503 the client may retry.
public struct CommandExecutor: Sendable {
    /// The store commands go through.
    let store: EventStore
    /// The clock of commands.
    public let clock: Clock
    let logger: Logger

    /// An executor over `store`, stamping commands with `clock`.
    public init(store: EventStore, clock: Clock, logger: Logger) {
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    /// The time a command issued now carries.
    public func now() -> Date { clock.now() }

    /// The log's head: the answer's position when a command changed nothing.
    public var head: Int64 { store.log.head }

    /// The event metadata of a command issued by `principal` during request `requestID`.
    public func metadata(_ principal: Principal?, requestID: String? = nil) -> EventMetadata {
        let actor: String? = switch principal {
        case .user(let id, _): id.uuidString.lowercased()
        case .system: "system"
        case nil: nil
        }
        return EventMetadata(correlationId: requestID.flatMap(UUID.init(uuidString:)), actor: actor)
    }

    /// Runs `command` through `decider` on `stream`, mapping every failure to the API's errors.
    public func execute<D: Decider>(
        _ command: D.Command, on decider: D.Type, stream: String, by principal: Principal?
    ) async throws(APIError) -> Committed<D.State> where D.Event: DomainEvent, D.Rejection: DomainRejection {
        let start = ContinuousClock.now
        do {
            let outcome = try await store.handle(command, to: D.self, stream: stream, metadata: metadata(principal))
            CommandMetrics.record(outcome.append, since: start)
            return Committed(state: outcome.state, position: outcome.append?.lastPosition ?? head)
        } catch {
            throw mapped(error)
        }
    }

    /// Runs a decision over several streams and appends atomically, mapping failures.
    public func execute<Rejection: DomainRejection>(
        by principal: Principal?, _ decide: (StreamStates) throws(Rejection) -> [StreamEvents]
    ) async throws(APIError) -> Int64 {
        let start = ContinuousClock.now
        do {
            let outcome = try await store.handle(metadata: metadata(principal), decide)
            CommandMetrics.record(outcome.append, since: start)
            return outcome.append?.lastPosition ?? head
        } catch {
            throw mapped(error)
        }
    }

    /// The state of `stream` for `decider`, or a 503 when storage fails.
    public func load<D: Decider>(_ decider: D.Type, stream: String) throws(APIError) -> D.State where D.Event: DomainEvent {
        try loadVersioned(D.self, stream: stream).state
    }

    /// The state of `stream` for `decider` with the version it reflects (for an expected version).
    public func loadVersioned<D: Decider>(
        _ decider: D.Type, stream: String
    ) throws(APIError) -> (state: D.State, version: Int64) where D.Event: DomainEvent {
        do {
            let loaded = try store.load(D.self, stream: stream)
            return (loaded.state, loaded.version)
        } catch {
            logger.error("loading a stream failed", metadata: ["stream": "\(stream)", "error": "\(error)"])
            throw .unavailable("the event store could not be read; try again shortly", retryAfter: 1)
        }
    }

    func mapped<Rejection>(_ error: CommandError<Rejection>) -> APIError {
        switch error {
        case .rejected(let rejection):
            if let rejection = rejection as? any DomainRejection { return APIError(rejection: rejection) }
            return .invalid("body", "\(rejection)")
        case .conflict:
            return .conflict("this resource changed while your request was handled; retry it")
        case .store(let failure):
            logger.error("command failed in storage", metadata: ["error": "\(failure)"])
            return .unavailable("the event store could not complete the command; retry it", retryAfter: 1)
        }
    }
}
