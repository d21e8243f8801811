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
/// failure becomes a 503 the client may retry. On a primary with `--sync-replicas N`, a command
/// that appended returns only once N replicas confirmed its last position durable (else 503
/// `replication-timeout`), so every command route acknowledges nothing a failover could lose.
public struct CommandExecutor: Sendable {
    /// The store commands go through.
    let store: EventStore
    /// The clock of commands.
    public let clock: Clock
    let logger: Logger
    /// The cluster, whose replicas a command waits for (`--sync-replicas`); `nil`: none.
    let replication: ReplicationNode?

    /// An executor over `store`, stamping commands with `clock`, acknowledging a command once
    /// `replication`'s required replicas hold it.
    public init(store: EventStore, clock: Clock, logger: Logger, replication: ReplicationNode? = nil) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.replication = replication
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
        let outcome: CommandOutcome<D.State, D.Event>
        let span = CommandSpan(context: CommandSpan.context(of: D.self))
        defer { span.end() }
        do {
            outcome = try await span.run { () async throws(CommandError<D.Rejection>) in
                try await store.handle(
                    command, to: D.self, stream: stream, metadata: metadata(principal),
                    attached: IdempotentRequest.current?.pendingClaim ?? []
                )
            }
        } catch {
            span.failed(error)
            throw mapped(error)
        }
        CommandMetrics.record(outcome.append, since: start)
        try await replicated(outcome.append)
        return Committed(state: outcome.state, position: outcome.append?.lastPosition ?? head)
    }

    /// Runs a decision over several streams and appends atomically, mapping failures.
    public func execute<Rejection: DomainRejection>(
        by principal: Principal?, _ decide: (StreamStates) throws(Rejection) -> [StreamEvents]
    ) async throws(APIError) -> Int64 {
        let start = ContinuousClock.now
        let outcome: MultiStreamOutcome
        let span = CommandSpan(context: CommandSpan.context(of: Rejection.self, dropLast: true))
        defer { span.end() }
        do {
            outcome = try await span.run { () async throws(CommandError<Rejection>) in
                try await store.handle(
                    metadata: metadata(principal), attached: IdempotentRequest.current?.pendingClaim ?? [], decide
                )
            }
        } catch {
            span.failed(error)
            throw mapped(error)
        }
        CommandMetrics.record(outcome.append, since: start)
        try await replicated(outcome.append)
        return outcome.append?.lastPosition ?? head
    }

    /// Returns once the replicas `--sync-replicas` asks for confirmed `append` durable; throws 503
    /// `replication-timeout` when they did not within `--sync-timeout` (the events stay appended).
    ///
    /// Within a request carrying an `Idempotency-Key` the wait is left to `IdempotencyMiddleware`,
    /// which waits once for the command and its recorded answer together.
    func replicated(_ append: AppendResult?) async throws(APIError) {
        guard let append else { return }
        if let request = IdempotentRequest.current {
            request.appended(append)
            return
        }
        try await replicated(upTo: append.lastPosition)
    }

    /// Returns once the replicas `--sync-replicas` asks for hold `position`, else throws 503
    /// `replication-timeout`.
    func replicated(upTo position: Int64) async throws(APIError) {
        guard let replication, replication.requiredConfirmations > 0 else { return }
        guard await replication.waitForReplicas(position) else {
            let settings = replication.settings
            logger.warning("replication: a command was not confirmed in time", metadata: [
                "position": "\(position)", "syncReplicas": "\(settings.syncReplicas)", "timeout": "\(settings.syncTimeout)",
            ])
            throw .replicationTimeout(
                "the command's events are durable on the primary, but fewer than \(settings.syncReplicas) replica(s) "
                    + "confirmed them within \(settings.syncTimeout); they may take effect: retry with the same Idempotency-Key",
                retryAfter: 1
            )
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
            if let request = IdempotentRequest.current, !request.claimed, store.log.version(of: request.stream) > request.claimVersion {
                return .idempotencyKeyInUse()
            }
            return .conflict("this resource changed while your request was handled; retry it")
        case .store(let failure):
            logger.error("command failed in storage", metadata: ["error": "\(failure)"])
            return .unavailable("the event store could not complete the command; retry it", retryAfter: 1)
        }
    }
}
