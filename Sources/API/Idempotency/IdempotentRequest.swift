import EventLog
import Synchronization

/// A request carrying an `Idempotency-Key`, as the command side sees it while the request runs
/// (a task-local set by `IdempotencyMiddleware`): the claim its first append carries, the position
/// of its last append, and whether the replicas' confirmation was left to the middleware.
final class IdempotentRequest: Sendable {
    @TaskLocal static var current: IdempotentRequest?

    /// The key's stream.
    let stream: String
    /// Its version when the request began (the claim expects it).
    let claimVersion: Int64
    private let claim: StreamAppend
    private let state = Mutex(State())

    private struct State {
        var claimed = false
        var lastPosition: Int64?
    }

    init(stream: String, claimVersion: Int64, claim: StreamAppend) {
        self.stream = stream
        self.claimVersion = claimVersion
        self.claim = claim
    }

    /// The claim to append with the command's events, until one append carried it.
    var pendingClaim: [StreamAppend] {
        state.withLock { $0.claimed } ? [] : [claim]
    }

    /// An append of this request succeeded (with the claim, when it was still pending).
    func appended(_ result: AppendResult) {
        state.withLock { state in
            if result.streamVersions[stream] != nil { state.claimed = true }
            state.lastPosition = max(state.lastPosition ?? 0, result.lastPosition)
        }
    }

    /// Whether one of the request's appends carried the claim.
    var claimed: Bool { state.withLock { $0.claimed } }

    /// The last position the request appended, if it appended.
    var lastPosition: Int64? { state.withLock { $0.lastPosition } }
}
