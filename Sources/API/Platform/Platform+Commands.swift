import Cryptography
public import Domain
public import EventLog
public import EventSourcing
import Foundation
import Metrics
import Hummingbird
import Logging
import ReadModels

/// A committed command, as routes answer it.
public struct Committed<State: Sendable>: Sendable {
    /// The aggregate's state after the command.
    public var state: State
    /// The global position of the command's last event (or the head when nothing changed), for
    /// `X-Log-Position`.
    public var position: Int64
}

extension Platform {
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
            return Committed(state: outcome.state, position: outcome.append?.lastPosition ?? log.head)
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
            return outcome.append?.lastPosition ?? log.head
        } catch {
            throw mapped(error)
        }
    }

    /// The state of `stream` for `decider`, or a 500-class error when storage fails.
    public func load<D: Decider>(_ decider: D.Type, stream: String) throws(APIError) -> D.State where D.Event: DomainEvent {
        do {
            return try store.load(D.self, stream: stream).state
        } catch {
            logger.error("loading a stream failed", metadata: ["stream": "\(stream)", "error": "\(error)"])
            throw .unavailable("the event store could not be read; try again shortly", retryAfter: 1)
        }
    }

    /// Appends events a decision returned alongside a refusal (failed logins, revocations), then
    /// refuses: the audit trail must show the attempt even when the caller is turned away.
    public func record<Event: DomainEvent>(
        _ events: [Event], to stream: String, expectedVersion: ExpectedVersion = .any, by principal: Principal?
    ) async throws(APIError) -> Int64 {
        guard !events.isEmpty else { return log.head }
        let start = ContinuousClock.now
        do {
            let outcome = try await store.handle(metadata: metadata(principal)) { (_: StreamStates) throws(Refusal<Identity>) in
                [StreamEvents(stream, events, expectedVersion: expectedVersion)]
            }
            CommandMetrics.record(outcome.append, since: start)
            return outcome.append?.lastPosition ?? log.head
        } catch {
            throw mapped(error)
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

/// Metrics of the command side: how long a command took to load, decide and append (fsync
/// included), and how many events it appended.
enum CommandMetrics {
    static let duration = Metrics.Timer(label: "protalent_command_append_duration", preferredDisplayUnit: .seconds)
    static let events = Counter(label: "protalent_events_appended_total")

    static func record(_ append: AppendResult?, since start: ContinuousClock.Instant) {
        guard let append else { return }
        duration.recordNanoseconds(Int64((ContinuousClock.now - start) / .nanoseconds(1)))
        events.increment(by: Int(append.lastPosition - append.firstPosition + 1))
    }
}
