import EventLog
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
public import NIOCore
import ReadModels
public import ServiceLifecycle

/// Where the HTTP server listens.
public struct ServerAddress: Sendable {
    /// The host name or address (`127.0.0.1` by default).
    public var host: String
    /// The port (8080 by default; 0 picks a free one).
    public var port: Int

    /// An address (`127.0.0.1:8080` by default; port 0 picks a free one).
    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// How much a server lets a connection hold: idle time and how many connections at once.
public struct ConnectionLimits: Sendable {
    /// A connection that sends nothing for this long is closed: headers that never finish
    /// (slowloris), a keep-alive connection left open, a body that stops arriving.
    public var idleTimeout: Duration
    /// Past this many open connections the server stops accepting: new ones wait in the kernel's
    /// backlog and are refused by it once that is full.
    public var maxConnections: Int

    /// Limits (30 s idle, 1,024 connections by default).
    public init(idleTimeout: Duration = .seconds(30), maxConnections: Int = 1_024) {
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }
}

/// The application: the router on `platform`, with the platform's background services (projection
/// runners, mail delivery, job queues, live feeds), so one `runService()` serves HTTP and keeps
/// everything current, and stops it all on SIGTERM/SIGINT — the server first, then each service
/// in reverse order of start, each draining what it had accepted.
///
/// - Parameter runsProjections: `false` leaves the read models where they are (tests of the
///   read-your-writes timeout).
public func buildApplication(
    platform: Platform, address: ServerAddress = ServerAddress(), limits: ConnectionLimits = ConnectionLimits(),
    logger: Logger = Logger(label: "protalent.http"), runsProjections: Bool = true,
    extraServices: [any Service] = [],
    onServerRunning: (@Sendable (any Channel) async -> Void)? = nil
) throws -> some ApplicationProtocol {
    let idle = limits.idleTimeout.components
    let http1 = HTTPServerBuilder.http1(configuration: .init(idleTimeout: .nanoseconds(idle.seconds * 1_000_000_000 + idle.attoseconds / 1_000_000_000)))
    var app = Application(
        router: try buildRouter(platform: platform).router,
        server: try platform.configuration.tls.map { try .tls(http1, tlsConfiguration: $0.configuration) } ?? http1,
        configuration: ApplicationConfiguration(
            address: .hostname(address.host, port: address.port), serverName: "ProTalent",
            availableConnectionsDelegate: MaximumAvailableConnections(limits.maxConnections, logger: logger)
        ),
        // Extra services (the trace exporter) start first and stop last, after every span ended.
        services: extraServices + platform.services(runsProjections: runsProjections),
        onServerRunning: onServerRunning ?? { _ in },
        logger: logger
    )
    app.logger.logLevel = logger.logLevel
    return app
}

/// The router and the route table it was built from (the table feeds the OpenAPI document and tests).
///
/// The one place that knows every controller: each is handed only the services it uses.
public func buildRouter(platform: Platform) throws -> (router: Router<AppRequestContext>, routes: RouteTable) {
    _ = PlatformMetrics.registry
    let router = Router(context: AppRequestContext.self)
    // Before all else: every later step (limits, alerts, logs) sees the client behind nginx.
    if !platform.configuration.trustedProxies.isEmpty {
        router.add(middleware: ForwardedForMiddleware(proxies: platform.configuration.trustedProxies))
    }
    // First: the request's span is the parent of everything the request does, log lines included.
    router.add(middleware: RequestTracingMiddleware())
    // Outside NoSniffMiddleware (which turns errors into answers), so refusals carry HSTS too.
    if platform.configuration.tls != nil { router.add(middleware: StrictTransportMiddleware()) }
    router.add(middleware: NoSniffMiddleware())
    router.add(middleware: CORSMiddleware(environment: platform.configuration.environment))
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: RequestFramingMiddleware())
    router.add(middleware: AuthenticationMiddleware(
        tokens: platform.tokens, access: platform.access, clock: platform.clock,
        scrapeToken: platform.configuration.environment["PROTALENT_METRICS_TOKEN"], readYourWrites: platform.readYourWrites
    ))
    router.add(middleware: AlertMiddleware(monitor: platform.alerts))
    // Before routing: unknown paths and refused tokens are charged like any request; the nodes of
    // a cluster, proving the replication secret, are not.
    router.add(middleware: RateLimitMiddleware(throttle: platform.throttle, exempt: platform.configuration.replication.secret))
    let routes = RouteTable(
        router: router, readYourWrites: ReadYourWritesMiddleware(platform.readYourWrites),
        // On every node: a role is decided per request (a replica may be promoted, a primary fenced).
        replicaRedirect: ReplicaRedirectMiddleware(node: platform.replication),
        idempotency: IdempotencyMiddleware(commands: platform.commands)
    )
    router.add(middleware: MethodNotAllowedMiddleware(routes: routes))

    let commands = platform.commands
    let readModels = platform.readModels
    OperationsController(log: platform.log, projections: readModels, replication: platform.replication, routes: routes).addRoutes(to: routes)
    let twoFactor = TwoFactorCodes(key: platform.secrets.totpKey, recoveryCodeKey: platform.secrets.recoveryCodeKey)
    let auth = AuthController(
        commands: commands, accounts: platform.accounts, tokens: platform.tokens,
        passwords: platform.passwords, throttle: platform.throttle, mail: platform.mail,
        passwordResets: platform.passwordResets, twoFactor: twoFactor, locks: platform.loginLocks,
        accountMail: AccountMail(publicURL: PublicURL.from(platform.configuration.environment)), alerts: platform.alerts
    )
    auth.addRoutes(to: routes)
    AlertsController(commands: commands).addRoutes(to: routes)
    let oidc = OIDCSettings(environment: platform.configuration.environment)
    OIDCController(
        settings: oidc, providers: oidc.providers.mapValues { OIDCProvider(settings: $0) }, flows: OIDCFlows(),
        federation: FederatedAccounts(
            commands: commands, accounts: platform.accounts, tokens: platform.tokens, indexKey: platform.secrets.emailIndexKey,
            mail: platform.mail, accountMail: auth.accountMail
        ),
        throttle: platform.throttle, clock: platform.clock, alerts: platform.alerts
    ).addRoutes(to: routes)
    UsersController(
        commands: commands, profiles: try readModels.profiles, communities: try readModels.communities,
        events: try readModels.events, audit: try readModels.audit, blobs: platform.blobs, erasure: platform.erasure,
        credentials: CredentialCheck(passwords: platform.passwords, twoFactor: twoFactor, throttle: platform.throttle)
    ).addRoutes(to: routes)
    DiscoveryController(discovery: try readModels.discovery, clock: platform.clock).addRoutes(to: routes)
    MentorsController(commands: commands, mentors: try readModels.mentors, sessions: try readModels.sessions).addRoutes(to: routes)
    ScholarshipsController(commands: commands, scholarships: try readModels.scholarships).addRoutes(to: routes)
    let verifier = ChainVerifier(directory: platform.log.directory, logger: platform.logger)
    AdminController(
        commands: commands, audit: try readModels.audit, analytics: try readModels.analytics, projections: readModels,
        verifier: verifier
    ).addRoutes(to: routes)
    try platform.addConsole(to: router, signIn: auth.signIn, verifier: verifier)
    CommunitiesController(
        commands: commands, communities: try readModels.communities,
        live: CommunityLiveFeeds(
            feed: platform.communityFeed, readYourWrites: platform.readYourWrites, access: platform.access, clock: platform.clock,
            logger: platform.logger, limit: platform.liveStreams
        )
    ).addRoutes(to: routes)
    EventsController(commands: commands, events: try readModels.events).addRoutes(to: routes)
    CalendarFeedController(
        commands: commands, sessions: try readModels.sessions, events: try readModels.events,
        publicURL: PublicURL.from(platform.configuration.environment)
    ).addRoutes(to: routes)
    NotificationsController(
        commands: commands, notifications: platform.notificationFeed.queries,
        live: NotificationLiveFeeds(
            feed: platform.notificationFeed, access: platform.access, clock: platform.clock, logger: platform.logger, limit: platform.liveStreams
        )
    ).addRoutes(to: routes)
    ReplicationController(
        node: platform.replication, streamer: ReplicationStreamer(log: platform.log, keys: platform.keys, blobs: platform.blobs), logger: platform.logger
    ).addRoutes(to: routes)
    FailoverController(node: platform.replication, keys: platform.keys).addRoutes(to: routes)
    ArchiveController(monitor: platform.archive, log: platform.log).addRoutes(to: routes)
    return (router, routes)
}
