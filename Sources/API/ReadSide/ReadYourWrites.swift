public import EventLog
public import Projections

/// Read-your-writes: waits until the read models have applied a log position that a command
/// answered with (`X-Log-Position`), so a client's next read shows its own write.
public struct ReadYourWrites: Sendable {
    let log: EventLog
    let readModels: ProjectionSet
    /// The longest a request waits before answering 503.
    public let timeout: Duration

    /// Waits on `readModels` following `log`, at most `timeout` per request.
    public init(log: EventLog, readModels: ProjectionSet, timeout: Duration) {
        self.log = log
        self.readModels = readModels
        self.timeout = timeout
    }

    /// Waits until every read model has applied `position`, up to `timeout`; returns whether they have.
    public func reach(_ position: Int64, timeout: Duration? = nil) async -> Bool {
        await readModels.waitUntil(position: position, timeout: timeout ?? self.timeout)
    }

    /// Waits for `position` on behalf of a request: 400 beyond the log's head, 503 when the read
    /// models do not reach it in time.
    public func wait(for position: Int64) async throws(APIError) {
        let head = log.head
        if position > head {
            throw .badRequest("X-Min-Position \(position) is beyond the log's head (\(head))", field: "X-Min-Position")
        }
        guard await reach(position) else {
            throw .unavailable("the read models have not reached position \(position) yet; retry shortly", retryAfter: 1)
        }
    }
}
