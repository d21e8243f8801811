public import Cryptography
import Domain
public import EventLog
public import EventSourcing
public import Foundation
import Hummingbird
public import Logging
public import Projections
import ReadModels

/// Everything a running server holds: the log writer, the command side, the read models, and the
/// services around them (tokens, mail, blobs, rate limits).
///
/// One per data directory and process (the log's writer lock enforces it). Routes reach it through
/// their controller; tests open one on a temporary directory and build the real application on it.
public final class Platform: Sendable {
    /// How to open a platform.
    public struct Configuration: Sendable {
        /// The data directory (`./data` by default).
        public var dataDirectory: URL
        /// The `.sql` projections (`./projections` by default).
        public var projectionsDirectory: URL
        /// The process environment (secrets, keys).
        public var environment: [String: String]
        /// Password hashing cost (scrypt N = 2^logN); tests lower it, production keeps 15 or more.
        public var passwordHasher: PasswordHasher
        /// Rate limits.
        public var rateLimits: RateLimits
        /// Log durability (`.fsync` always, except benchmarks).
        public var durability: EventLogOptions.Durability
        /// The clock of commands and tokens.
        public var clock: Clock
        /// The mailer; `nil` writes `.eml` files into `<data>/mail/outbox/`.
        public var mailer: (any Mailer)?
        /// Wait at most this long for `X-Min-Position`.
        public var readYourWritesTimeout: Duration

        /// A configuration with the defaults.
        public init(
            dataDirectory: URL, projectionsDirectory: URL,
            environment: [String: String] = ProcessInfo.processInfo.environment,
            passwordHasher: PasswordHasher = PasswordHasher(), rateLimits: RateLimits = RateLimits(),
            durability: EventLogOptions.Durability = .fsync, clock: Clock = .system, mailer: (any Mailer)? = nil,
            readYourWritesTimeout: Duration = .seconds(5)
        ) {
            self.dataDirectory = dataDirectory
            self.projectionsDirectory = projectionsDirectory
            self.environment = environment
            self.passwordHasher = passwordHasher
            self.rateLimits = rateLimits
            self.durability = durability
            self.clock = clock
            self.mailer = mailer
            self.readYourWritesTimeout = readYourWritesTimeout
        }
    }

    /// How it was opened.
    public let configuration: Configuration
    /// The log (this process holds its writer lock).
    public let log: EventLog
    /// Per-person data keys (erasure destroys one).
    public let keys: KeyStore
    /// The command side.
    public let store: EventStore
    /// The read models and their runners.
    public let readModels: ProjectionSet
    /// Keys derived from the server secret.
    public let secrets: ServerSecrets
    /// Access, refresh and mailed tokens.
    public let tokens: TokenService
    /// Outgoing mail.
    public let mailer: any Mailer
    /// Avatars, content-addressed.
    public let blobs: BlobStore
    /// Request and login-failure limits.
    public let limiter: RateLimiter
    /// Server logs (no personal data).
    public let logger: Logger

    /// The clock of commands.
    public var clock: Clock { configuration.clock }

    /// Opens the data directory: the log (recovering a torn tail), keys, read models and services.
    public init(_ configuration: Configuration, logger: Logger = Logger(label: "protalent")) throws {
        let data = configuration.dataDirectory
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        self.configuration = configuration
        self.logger = logger
        var logOptions = EventLogOptions()
        logOptions.durability = configuration.durability
        self.log = try EventLog.open(directory: data.appendingPathComponent("log").path, options: logOptions)
        do {
            self.keys = try KeyStore(dataDirectory: data, environment: configuration.environment)
            let cipher = KeyStoreCipher(keyStore: keys)
            self.store = EventStore(
                log: log, codec: EventCodec(cipher: cipher),
                snapshots: SnapshotStore(directory: data.appendingPathComponent("snapshots").path, cipher: cipher),
                // A busy community takes many posts at once: each conflict re-decides on fresh
                // state, and eight rounds make a client-visible 409 vanishingly rare under load.
                options: EventStore.Options(snapshotInterval: 100, maxRetries: 8),
                clock: configuration.clock
            )
            self.readModels = try ProjectionSet(
                projectionsDirectory: configuration.projectionsDirectory, dataDirectory: data, log: log, keyStore: keys,
                logger: logger
            )
            self.secrets = try ServerSecrets.load(dataDirectory: data, environment: configuration.environment)
            self.tokens = try TokenService(signingKey: secrets.tokenSigningKey)
            self.mailer = try configuration.mailer ?? OutboxMailer(directory: data.appendingPathComponent("mail/outbox"))
            self.blobs = try BlobStore(directory: data.appendingPathComponent("blobs"))
            self.limiter = RateLimiter()
        } catch {
            log.close()
            throw error
        }
    }

    /// Closes the log (flushing what was acknowledged). Idempotent.
    public func close() {
        log.close()
    }

    /// Waits until every read model has applied `position` (read-your-writes), or the timeout passes.
    public func readModelsReach(_ position: Int64, timeout: Duration) async -> Bool {
        await readModels.waitUntil(position: position, timeout: timeout)
    }
}
