import Domain
public import EventSourcing
public import Foundation
public import Logging
public import Projections

/// What an erasure does besides its events: destroying the person's data key (crypto-shredding),
/// deleting their avatar file and, once the projections have applied the erasure, scrubbing old
/// page images of the person's rows out of the read models' write-ahead logs.
///
/// The request records a job before it appends the erasure, so a crash anywhere after the append
/// still finishes the erasure at the next start (the key must not outlive the event). It then
/// does the key and the avatar at once, so its answer means they are gone; the job repeats them
/// (both idempotent) and does the scrub, which waits on the projections. A job whose account was
/// never erased (the append failed) is dropped after `abandonAfter`.
public struct Erasure: Sendable {
    /// An erasure to finish.
    public struct Job: Codable, Sendable {
        /// The person.
        public var userID: UUID
        /// When the request recorded it.
        public var recordedAt: Date
    }

    /// The erasures recorded and not yet finished.
    public let jobs: DurableQueue<Job>
    /// How long a job waits for its account's erasure event before it is dropped.
    public var abandonAfter: TimeInterval = 600
    let keys: KeyStore
    let blobs: BlobStore
    let commands: CommandExecutor
    let readModels: ProjectionSet
    let readYourWrites: ReadYourWrites
    let logger: Logger

    /// Erasure over `keys`, `blobs` and `readModels`, recording jobs in `directory`.
    public init(
        directory: URL, keys: KeyStore, blobs: BlobStore, commands: CommandExecutor, readModels: ProjectionSet,
        readYourWrites: ReadYourWrites, logger: Logger
    ) throws {
        self.jobs = try DurableQueue(directory: directory)
        self.keys = keys
        self.blobs = blobs
        self.commands = commands
        self.readModels = readModels
        self.readYourWrites = readYourWrites
        self.logger = logger
    }

    /// Records that `userID` is being erased; call before appending the erasure.
    public func record(_ userID: UUID) throws(APIError) {
        do {
            try jobs.enqueue(Job(userID: userID, recordedAt: commands.now()))
        } catch {
            throw .unavailable("the erasure could not be recorded; nothing was erased; retry", retryAfter: 1)
        }
    }

    /// Destroys the person's data key and avatar file now, once the erasure is in the log: every
    /// personal field becomes unreadable (crypto-shredding) and no URL serves their picture.
    public func shred(_ userID: UUID) throws(APIError) {
        do {
            try keys.erase(subject: userID)
            if let hash = try commands.load(Profiles.self, stream: StreamName.profile(userID)).avatarHash {
                try blobs.remove(hash)
            }
        } catch {
            logger.error("shredding an erased person failed; the erasure job retries it", metadata: ["error": "\(error)"])
            throw .unavailable("the erasure was recorded and will complete shortly; retry to confirm", retryAfter: 1)
        }
    }

    /// The service finishing recorded erasures.
    public func worker() -> QueueWorker<Job> {
        QueueWorker("erasures", queue: jobs, retryDelay: .seconds(5), logger: logger) { job in try await finish(job) }
    }

    func finish(_ job: Job) async throws {
        let stream = StreamName.account(job.userID)
        guard try commands.load(Identity.Account.self, stream: stream).status == .erased else {
            if commands.now().timeIntervalSince(job.recordedAt) > abandonAfter { return }
            throw Pending(reason: "the account is not erased yet")
        }
        try shred(job.userID)
        let position = commands.head
        guard await readYourWrites.reach(position, timeout: .seconds(60)) else {
            throw Pending(reason: "the read models have not applied position \(position) yet")
        }
        guard readModels.scrub() else {
            throw Pending(reason: "a read model's write-ahead log could not be emptied (readers hold it)")
        }
    }

    /// Why an erasure job waits for another try.
    struct Pending: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }
}
