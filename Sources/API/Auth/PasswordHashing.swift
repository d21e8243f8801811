public import Cryptography
import NIOPosix
import Synchronization

/// Password hashing (scrypt) off the cooperative pool, on threads of its own, with a bounded queue.
///
/// One scrypt check is tens of milliseconds of CPU and 32 MiB of memory by design. Run on Swift's
/// cooperative pool, which has one thread per core, a handful of concurrent logins for unknown
/// addresses stalled every other request (`/health` went from 9 to 508 ms). Here the work waits for
/// a dedicated thread, and past `maxWaiting` callers the next is refused with a 503 and
/// `Retry-After` instead of queueing without bound.
public final class PasswordHashing: Sendable {
    /// The scrypt parameters.
    public let hasher: PasswordHasher
    /// How many callers may wait or run at once before the next is refused.
    public let maxWaiting: Int
    private let pool: NIOThreadPool
    private let inFlight = Atomic<Int>(0)

    /// Hashing on `threads` threads of its own (one leaves the other cores to serving requests).
    public init(hasher: PasswordHasher, threads: Int = 1, maxWaiting: Int = 64) {
        self.hasher = hasher
        self.maxWaiting = maxWaiting
        self.pool = NIOThreadPool(numberOfThreads: max(1, threads))
        pool.start()
    }

    /// A new scrypt hash of `password`.
    public func hash(_ password: String) async throws -> String {
        let hasher = self.hasher
        return try await run { try hasher.hash(password) }
    }

    /// Whether `password` matches `encoded`; a malformed hash matches nothing.
    public func verify(_ password: String, against encoded: String) async throws(APIError) -> Bool {
        let hasher = self.hasher
        do {
            return try await run { (try? hasher.verify(password, against: encoded)) ?? false }
        } catch let error as APIError {
            throw error
        } catch {
            return false
        }
    }

    /// Whether `encoded` was made with weaker parameters than the current ones.
    public func needsRehash(_ encoded: String) -> Bool {
        hasher.needsRehash(encoded)
    }

    /// Stops the threads (when the platform closes).
    public func shutdown() {
        try? pool.syncShutdownGracefully()
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let admitted = inFlight.add(1, ordering: .relaxed).newValue <= maxWaiting
        defer { inFlight.subtract(1, ordering: .relaxed) }
        guard admitted else {
            throw APIError.unavailable("too many sign-ins are being checked right now; retry in a moment", retryAfter: 1)
        }
        return try await pool.runIfActive(body)
    }
}
