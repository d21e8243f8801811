public import EventSourcing
public import Foundation
public import Logging
public import Projections

/// What an erasure does besides its events: destroying the person's data key (crypto-shredding)
/// and, once the projections have applied the erasure, scrubbing old page images of the person's
/// rows out of the read models' write-ahead logs.
///
/// The scrub waits on the projections, so it runs after the answer, from a durable queue: a
/// shutdown drains it and a crash resumes it at the next start.
public struct Erasure: Sendable {
    /// A scrub to run once the read models have applied `position`.
    public struct Scrub: Codable, Sendable {
        /// The erasure's last log position.
        public var position: Int64
    }

    /// The scrubs recorded and not yet done.
    public let scrubs: DurableQueue<Scrub>
    let keys: KeyStore
    let readModels: ProjectionSet
    let readYourWrites: ReadYourWrites
    let logger: Logger

    /// Erasure over `keys` and `readModels`, recording scrubs in `directory`.
    public init(directory: URL, keys: KeyStore, readModels: ProjectionSet, readYourWrites: ReadYourWrites, logger: Logger) throws {
        self.scrubs = try DurableQueue(directory: directory)
        self.keys = keys
        self.readModels = readModels
        self.readYourWrites = readYourWrites
        self.logger = logger
    }

    /// Destroys the person's data key once the erasure is in the log: every personal field becomes
    /// unreadable (crypto-shredding), and projections drop the person on the erasure event.
    public func destroyKey(of userID: UUID) throws(APIError) {
        do {
            try keys.erase(subject: userID)
        } catch {
            logger.error("erasing a data key failed; retry DELETE /users/me", metadata: ["error": "\(error)"])
            throw .unavailable("the erasure was recorded but the data key could not be destroyed; retry", retryAfter: 1)
        }
    }

    /// Records the scrub that follows an erasure ending at `position`.
    public func scheduleScrub(after position: Int64) throws(APIError) {
        do {
            try scrubs.enqueue(Scrub(position: position))
        } catch {
            logger.error("recording a read-model scrub failed; it happens at the next checkpoint", metadata: ["error": "\(error)"])
            throw .unavailable("the erasure was recorded but its clean-up could not be scheduled; retry", retryAfter: 1)
        }
    }

    /// The service running the recorded scrubs.
    public func worker() -> QueueWorker<Scrub> {
        QueueWorker("read-model-scrub", queue: scrubs, retryDelay: .seconds(5), logger: logger) { scrub in
            guard await readYourWrites.reach(scrub.position, timeout: .seconds(60)) else {
                throw ScrubPending(reason: "the read models have not applied position \(scrub.position) yet")
            }
            guard readModels.scrub() else {
                throw ScrubPending(reason: "a read model's write-ahead log could not be emptied (readers hold it)")
            }
        }
    }

    /// Why a scrub waits for another try.
    struct ScrubPending: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }
}
