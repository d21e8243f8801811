public import EventLog
public import Projections

/// Read-your-writes: waits until the read models have applied a log position that a command
/// answered with (`X-Log-Position`), so a client's next read shows its own write.
public struct ReadYourWrites: Sendable {
    let log: EventLog
    let readModels: ProjectionSet
    /// The longest a request waits before answering 503.
    public let timeout: Duration
    /// Whether a position beyond the log's head is waited for rather than refused: on a replica,
    /// whose log may not have received yet what the primary answered with.
    public let waitsBeyondHead: Bool

    /// Waits on `readModels` following `log`, at most `timeout` per request.
    public init(log: EventLog, readModels: ProjectionSet, timeout: Duration, waitsBeyondHead: Bool = false) {
        self.log = log
        self.readModels = readModels
        self.timeout = timeout
        self.waitsBeyondHead = waitsBeyondHead
    }

    /// Waits until every read model has applied `position`, up to `timeout`; returns whether they have.
    public func reach(_ position: Int64, timeout: Duration? = nil) async -> Bool {
        await readModels.waitUntil(position: position, timeout: timeout ?? self.timeout)
    }

    /// Waits for `position` on behalf of a request: 400 beyond the log's head (on a primary), 503
    /// when the read models do not reach it in time.
    public func wait(for position: Int64) async throws(APIError) {
        let head = log.head
        if position > head, !waitsBeyondHead {
            throw .badRequest("X-Min-Position \(position) is beyond the log's head (\(head))", field: "X-Min-Position")
        }
        guard await reach(position) else {
            throw .unavailable("the read models have not reached position \(position) yet; retry shortly", retryAfter: 1)
        }
    }
}
