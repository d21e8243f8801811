import EventSourcing
import Foundation

/// The record of an `Idempotency-Key`, in its own stream `idempotency-<hash of caller and key>`.
///
/// Infrastructure of the HTTP edge, not a bounded context: no decider, no projection reads it.
/// `claimed` is appended atomically with the first command events of the request that used the
/// key (so the key's effect and its claim are one append), `recorded` right after the answer is
/// known, with that answer. A replay is served from `recorded`.
enum IdempotencyEvent: DomainEvent {
    case claimed(Claimed)
    case recorded(Recorded)

    /// The key was used by a request that changed the log.
    struct Claimed: Codable, Sendable, Equatable {
        /// SHA-256 (hex) of the request's method, target and body.
        var requestHash: String
        var at: Date
    }

    /// The answer given to the first request with the key.
    struct Recorded: Codable, Sendable, Equatable {
        var requestHash: String
        var status: Int
        /// The headers a replay repeats (`X-Log-Position`, `Location`, `Content-Type`, …), lower-case names.
        var headers: [String: String]
        /// SHA-256 (hex) of the answer's body (also when the body itself is withheld).
        var bodyHash: String
        /// The body, base64, encrypted under the caller's data key (shredded by their erasure);
        /// `nil` for anonymous callers and for answers carrying credentials (`Cache-Control: no-store`).
        var body: Personal<String>?
        /// The signed-in caller, whose data key seals `body`.
        var subject: UUID?
        var at: Date
    }

    var eventType: String {
        switch self {
        case .claimed: "idempotency.claimed"
        case .recorded: "idempotency.recorded"
        }
    }

    var personalDataSubject: UUID? {
        if case .recorded(let recorded) = self { return recorded.subject }
        return nil
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        switch try decoder.eventTypeName() {
        case "idempotency.claimed": self = .claimed(try container.decode(Claimed.self))
        case "idempotency.recorded": self = .recorded(try container.decode(Recorded.self))
        case let other: throw UnknownEventType(other)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .claimed(let payload): try container.encode(payload)
        case .recorded(let payload): try container.encode(payload)
        }
    }
}
