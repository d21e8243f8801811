public import Cryptography
public import Domain
public import EventLog
public import EventSourcing
public import Foundation
public import Logging
public import Projections
import ReadModels
public import ServiceLifecycle

/// The composition root: opens a data directory (the log writer, keys, read models) and builds,
/// once, every service the routes use — the command executor, the account directory, tokens,
/// throttles, read-your-writes, the durable mail outbox and job queues, the live feeds.
///
/// One per data directory and process (the log's writer lock enforces it). `buildApplication`
/// hands each controller the few services it uses; no route sees the platform itself. Tests open
/// one on a temporary directory and build the real application on it.
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
        /// Delivers mail; `nil` writes `.eml` files into `<data>/mail/outbox/`.
        public var mailer: (any Mailer)?
        /// Wait at most this long for `X-Min-Position`.
        public var readYourWritesTimeout: Duration
        /// The node's place in a cluster: a primary (the default), or a replica of another node.
        public var replication: ReplicationSettings
        /// Password checks in flight (running or waiting for the hashing thread) before the next
        /// sign-in is refused with 503.
        public var passwordChecksInFlight = 64
        /// Where the primary archives its log (`serve --archive`; a replica given it archives once
        /// promoted); `nil` archives nothing.
        public var archive: ArchiveSettings?
        /// The certificate and key the server answers HTTPS with (`serve --tls-cert/--tls-key`);
        /// `nil` serves plain HTTP (TLS ends at a proxy in front, or nowhere).
        public var tls: ServerTLS?
        /// The proxies in front whose `X-Forwarded-For` names the client (`PROTALENT_TRUSTED_PROXIES`).
        public var trustedProxies = TrustedProxies()
        /// How long notification mail collects a burst before it sends one message (a digest) per person.
        public var notificationMailWindow: Duration = .seconds(2)
        /// How often the reminder scheduler reads the schedule.
        public var reminderTick: Duration = .seconds(1)

        /// A configuration with the defaults.
        public init(
            dataDirectory: URL, projectionsDirectory: URL,
            environment: [String: String] = ProcessInfo.processInfo.environment,
            passwordHasher: PasswordHasher = PasswordHasher(), rateLimits: RateLimits = RateLimits(),
            durability: EventLogOptions.Durability = .fsync, clock: Clock = .system, mailer: (any Mailer)? = nil,
            readYourWritesTimeout: Duration = .seconds(5), replication: ReplicationSettings = ReplicationSettings()
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
            self.replication = replication
        }
    }

    /// How it was opened.
    public let configuration: Configuration
    /// The log (this process holds its writer lock).
    public let log: EventLog
    /// Per-person data keys (erasure destroys one).
    public let keys: KeyStore
    /// The event store under the command side.
    public let store: EventStore
    /// The read models and their runners.
    public let readModels: ProjectionSet
    /// Keys derived from the server secret.
    public let secrets: ServerSecrets
    /// Access, refresh and mailed tokens.
    public let tokens: TokenService
    /// Avatars, content-addressed.
    public let blobs: BlobStore
    /// Server logs (no personal data).
    public let logger: Logger

    /// Commands through deciders into the log.
    public let commands: CommandExecutor
    /// Accounts by email address.
    public let accounts: AccountDirectory
    /// Password hashing on threads of its own.
    public let passwords: PasswordHashing
    /// Whether accounts still grant their tokens' access.
    public let access: AccountAccess
    /// Rate limits.
    public let throttle: RequestThrottle
    /// `X-Min-Position` waits.
    public let readYourWrites: ReadYourWrites
    /// Outgoing mail, recorded before it is promised.
    public let mail: MailOutbox
    /// Forgot-password requests, answered after the 202.
    public let passwordResets: PasswordResets
    /// Erasures finished durably: key, avatar, read-model scrub.
    public let erasure: Erasure
    /// The lock-out rule for addresses without an account.
    let loginLocks = LoginLocks()
    /// Open live streams per account.
    let liveStreams = LiveStreamLimit()
    /// Live events of communities, one log subscription for every client.
    public let communityFeed: EventFeed<Communities.Event>
    /// New notifications, one reader of their read model for every live client.
    public let notificationFeed: NotificationFeed
    /// This node's role in a cluster, its replicas or its primary.
    public let replication: ReplicationNode
    /// This node's stable id in a cluster (`<data>/node.id`, made on first start).
    public let nodeID: String
    /// How far the archive is behind, when this node archives (`Configuration.archive`).
    public let archive: ArchiveMonitor?
    /// The security-alert detectors (`PROTALENT_ALERT_THRESHOLDS`, `PROTALENT_ALERT_WINDOW`).
    public let alerts: AlertMonitor
    /// `PROTALENT_ALERT_WEBHOOK`'s durable queue, when set.
    let alertWebhook: AlertWebhook?

    /// The clock of commands.
    public var clock: Clock { configuration.clock }

    /// Opens the data directory: the log (recovering a torn tail), keys, read models and services.
    public init(_ configuration: Configuration, logger: Logger = Logger(label: "protalent")) throws {
        let data = configuration.dataDirectory
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        // The data directory is its owner's alone, whatever mode an older version left it with.
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: data.path)
        self.configuration = configuration
        self.logger = logger
        var logOptions = EventLogOptions()
        logOptions.durability = configuration.durability
        logOptions.isReplica = configuration.replication.isReplica
        #if DEBUG
        // Debug builds only: tiny segments, so the power-loss tests see segments roll (docs/testing.md).
        if let size = configuration.environment["PROTALENT_TEST_SEGMENT_SIZE"].flatMap({ Int($0) }), size > 0 { logOptions.segmentSize = size }
        #endif
        self.log = try EventLog.open(directory: data.appendingPathComponent("log").path, options: logOptions)
        if let torn = log.recovery.tornTail {
            // Never silent: these positions were never acknowledged, but they are gone from this node
            // (a synchronous replica or the archive still holds them if they were written there).
            logger.warning("log recovery cut a torn tail: \(torn.summary)", metadata: [
                "file": "\(torn.file)", "offset": "\(torn.offset)", "bytes": "\(torn.discardedBytes)",
                "firstPosition": "\(torn.firstPosition)", "lastPosition": "\(torn.lastPosition.map(String.init) ?? "unknown")",
            ])
        }
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
            self.tokens = try TokenService(signingKey: secrets.tokenSigningKey, successorKey: secrets.refreshSuccessorKey)
            self.nodeID = try Self.loadNodeID(dataDirectory: data)
            // Also switches the log to its standing's mode: a promoted node writes, a fenced one never.
            self.replication = ReplicationNode(
                settings: configuration.replication, log: log, nodeID: nodeID, dataDirectory: data, logger: logger
            )
            self.blobs = try BlobStore(directory: data.appendingPathComponent("blobs"), following: replication.standing == .replica)
            self.commands = CommandExecutor(store: store, clock: configuration.clock, logger: logger, replication: replication)
            self.accounts = AccountDirectory(commands: commands, emailIndexKey: secrets.emailIndexKey)
            self.access = AccountAccess(commands: commands, log: log)
            self.passwords = PasswordHashing(hasher: configuration.passwordHasher, maxWaiting: configuration.passwordChecksInFlight)
            self.throttle = RequestThrottle(limiter: RateLimiter(), limits: configuration.rateLimits, clock: configuration.clock)
            // A replica may be asked for a position its primary answered with and it has not received yet.
            self.readYourWrites = ReadYourWrites(
                log: log, readModels: readModels, timeout: configuration.readYourWritesTimeout,
                waitsBeyondHead: configuration.replication.isReplica
            )
            let outbox = data.appendingPathComponent("mail/outbox")
            // Made here so watchers find it; a failure is the mailer's to report, per message.
            try? FileManager.default.createDirectory(at: outbox, withIntermediateDirectories: true)
            let mailer = configuration.mailer ?? OutboxMailer(directory: outbox)
            self.mail = try MailOutbox(directory: data.appendingPathComponent("mail/queue"), mailer: mailer)
            self.passwordResets = try PasswordResets(
                directory: data.appendingPathComponent("queues/password-resets"), accounts: accounts, commands: commands,
                tokens: tokens, mail: mail, publicURL: PublicURL.from(configuration.environment)
            )
            self.erasure = try Erasure(
                directory: data.appendingPathComponent("queues/erasures"), keys: keys, blobs: blobs, commands: commands,
                readModels: readModels,
                readYourWrites: readYourWrites, logger: logger
            )
            self.communityFeed = EventFeed(store: store)
            self.notificationFeed = NotificationFeed(queries: try readModels.notifications)
            self.archive = configuration.archive.map { ArchiveMonitor(settings: $0, dataDirectory: data) }
            self.alerts = AlertMonitor(thresholds: try AlertThresholds(environment: configuration.environment), clock: configuration.clock)
            self.alertWebhook = try configuration.environment["PROTALENT_ALERT_WEBHOOK"].flatMap { $0.isEmpty ? nil : $0 }.map {
                try AlertWebhook(url: $0, directory: data.appendingPathComponent("queues/alert-webhook"))
            }
        } catch {
            log.close()
            throw error
        }
    }

    /// The background services of a server on this platform, in start order (a graceful shutdown
    /// stops them in reverse, after the HTTP server): the projection runners, mail delivery, the
    /// forgot-password worker (which queues mail), the erasure worker (which waits on the
    /// projections), the live feeds, notification mail and the reminder scheduler (which fires only
    /// while this node is the primary); on a replica first of all the follower of the primary's log.
    ///
    /// - Parameter runsProjections: `false` leaves the read models where they are (tests of the
    ///   read-your-writes timeout).
    public func services(runsProjections: Bool = true) -> [any Service] {
        var services: [any Service] = []
        if replication.standing == .replica, let secret = configuration.replication.secret {
            services.append(ReplicaService(
                log: log, keys: keys, blobs: blobs, erasure: erasure, node: replication, secret: secret, replicaID: nodeID,
                logger: logger, stateFile: ReplicaState.file(in: configuration.dataDirectory)
            ))
        }
        if let secret = configuration.replication.secret {
            services.append(FenceNotifier(node: replication, secret: secret, logger: logger))
        }
        if let settings = configuration.archive, let archive {
            let replication = replication
            services.append(Archiver(
                log: log, keys: keys, blobsDirectory: blobs.directory, settings: settings, monitor: archive, logger: logger,
                isPrimary: { replication.standing == .primary }
            ))
        }
        if runsProjections { services.append(ProjectionService(readModels: readModels)) }
        services.append(mail.worker(logger: logger))
        services.append(passwordResets.worker(logger: logger))
        services.append(erasure.worker())
        services.append(FeedService(feed: communityFeed))
        services.append(notificationFeed)
        services.append(NotificationMail(
            queries: notificationFeed.queries, outbox: mail,
            checkpoint: configuration.dataDirectory.appendingPathComponent("mail/notifications.checkpoint"),
            publicURL: configuration.environment["PROTALENT_PUBLIC_URL"], window: configuration.notificationMailWindow, logger: logger
        ))
        services.append(AlertService(
            monitor: alerts, store: store, commands: commands, node: replication, webhook: alertWebhook, logger: logger,
            start: log.head + 1
        ))
        if let alertWebhook { services.append(alertWebhook.worker(logger: logger)) }
        services.append(ReminderScheduler(
            queries: notificationFeed.queries, commands: commands, node: replication, tick: configuration.reminderTick, logger: logger
        ))
        return services
    }

    /// The id in `<data>/node.id`, written on first start.
    public static func loadNodeID(dataDirectory: URL) throws -> String {
        let file = dataDirectory.appendingPathComponent("node.id")
        if let data = FileManager.default.contents(atPath: file.path),
           let id = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !id.isEmpty {
            return id
        }
        let id = UUID().uuidString.lowercased()
        try Data((id + "\n").utf8).write(to: file, options: .atomic)
        return id
    }

    /// Closes the log (flushing what was acknowledged). Idempotent.
    public func close() {
        passwords.shutdown()
        log.close()
    }
}
