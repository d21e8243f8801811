public import Logging
public import ServiceLifecycle
import Synchronization

/// Runs the jobs of a ``DurableQueue`` as a service of the server's `ServiceGroup`.
///
/// Jobs run one at a time, oldest first. A job whose handler throws stays recorded and is tried
/// again after `retryDelay` (doubling up to a minute) — and at the next start if the process
/// stops first. On graceful shutdown the worker stops waiting and gives every recorded job one
/// more run, so what was accepted before SIGTERM goes out before the process exits; what still
/// fails then is resumed at the next start.
public struct QueueWorker<Job: Codable & Sendable>: Service {
    /// The queue it empties.
    public let queue: DurableQueue<Job>
    /// What it does with each job; throwing keeps the job for a retry.
    public let handler: @Sendable (Job) async throws -> Void
    /// The first wait before a failed job is tried again.
    public var retryDelay: Duration
    let name: String
    let logger: Logger

    /// A worker named `name` (for logs) running `handler` on `queue`'s jobs.
    public init(
        _ name: String, queue: DurableQueue<Job>, retryDelay: Duration = .seconds(1), logger: Logger,
        handler: @escaping @Sendable (Job) async throws -> Void
    ) {
        self.name = name
        self.queue = queue
        self.retryDelay = retryDelay
        self.logger = logger
        self.handler = handler
    }

    public func run() async throws {
        let stopping = Atomic<Bool>(false)
        await withDiscardingTaskGroup { group in
            var delay = retryDelay
            await withGracefulShutdownHandler {
                for await _ in queue.wakes() {
                    if stopping.load(ordering: .relaxed) || Task.isCancelled { break }
                    if await runPending() {
                        delay = retryDelay
                    } else {
                        let wait = delay
                        delay = min(delay * 2, .seconds(60))
                        group.addTask {
                            try? await Task.sleep(for: wait)
                            queue.signal()
                        }
                    }
                }
            } onGracefulShutdown: {
                stopping.store(true, ordering: .relaxed)
                queue.signal()
            }
            group.cancelAll()
        }
        // Cancelled (not a graceful stop): the jobs stay recorded for the next start.
        guard !Task.isCancelled else { return }
        _ = await runPending()
    }

    /// Runs every recorded job once; returns whether they all succeeded.
    private func runPending() async -> Bool {
        let names: [String]
        do {
            names = try queue.pending()
        } catch {
            logger.error("a job queue could not be listed", metadata: ["queue": "\(name)", "error": "\(error)"])
            return false
        }
        var allDone = true
        for job in names {
            do {
                let recorded: Job
                do {
                    recorded = try queue.job(named: job)
                } catch is DecodingError {
                    // Not a job this version can read (damaged, or from another version): set aside
                    // for the operator, never retried for ever.
                    try queue.quarantine(job)
                    logger.error("a queued job could not be read; it was set aside", metadata: ["queue": "\(name)", "job": "\(job)"])
                    continue
                }
                try await handler(recorded)
                try queue.complete(job)
            } catch {
                allDone = false
                logger.warning("a queued job failed; it stays queued and is retried", metadata: [
                    "queue": "\(name)", "job": "\(job)", "error": "\(error)",
                ])
            }
        }
        return allDone
    }
}
