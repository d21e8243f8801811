import EventLog
public import Hummingbird
public import Logging
public import NIOCore
import ReadModels

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

/// The application: the router on `platform`, with the platform's background services (projection
/// runners, mail delivery, job queues, live feeds), so one `runService()` serves HTTP and keeps
/// everything current, and stops it all on SIGTERM/SIGINT — the server first, then each service
/// in reverse order of start, each draining what it had accepted.
///
/// - Parameter runsProjections: `false` leaves the read models where they are (tests of the
///   read-your-writes timeout).
public func buildApplication(
    platform: Platform, address: ServerAddress = ServerAddress(), logger: Logger = Logger(label: "protalent.http"),
    runsProjections: Bool = true, onServerRunning: (@Sendable (any Channel) async -> Void)? = nil
) throws -> some ApplicationProtocol {
    var app = Application(
        router: try buildRouter(platform: platform).router,
        configuration: ApplicationConfiguration(address: .hostname(address.host, port: address.port), serverName: "ProTalent"),
        services: platform.services(runsProjections: runsProjections),
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
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: AuthenticationMiddleware(tokens: platform.tokens, access: platform.access, clock: platform.clock))
    let routes = RouteTable(
        router: router, rateLimit: RateLimitMiddleware(throttle: platform.throttle),
        readYourWrites: ReadYourWritesMiddleware(platform.readYourWrites),
        replicaRedirect: platform.replication.role == .replica ? ReplicaRedirectMiddleware(node: platform.replication) : nil
    )
    router.add(middleware: MethodNotAllowedMiddleware(routes: routes))

    let commands = platform.commands
    let readModels = platform.readModels
    OperationsController(log: platform.log, projections: readModels, routes: routes).addRoutes(to: routes)
    AuthController(
        commands: commands, accounts: platform.accounts, tokens: platform.tokens,
        passwords: platform.configuration.passwordHasher, throttle: platform.throttle, mail: platform.mail,
        passwordResets: platform.passwordResets, twoFactor: TwoFactorCodes(key: platform.secrets.totpKey)
    ).addRoutes(to: routes)
    UsersController(
        commands: commands, profiles: try readModels.profiles, communities: try readModels.communities,
        events: try readModels.events, audit: try readModels.audit, blobs: platform.blobs, erasure: platform.erasure
    ).addRoutes(to: routes)
    DiscoveryController(discovery: try readModels.discovery, clock: platform.clock).addRoutes(to: routes)
    MentorsController(commands: commands, mentors: try readModels.mentors, sessions: try readModels.sessions).addRoutes(to: routes)
    ScholarshipsController(commands: commands, scholarships: try readModels.scholarships).addRoutes(to: routes)
    AdminController(
        commands: commands, audit: try readModels.audit, analytics: try readModels.analytics, projections: readModels,
        verifier: ChainVerifier(directory: platform.log.directory, logger: platform.logger)
    ).addRoutes(to: routes)
    CommunitiesController(
        commands: commands, communities: try readModels.communities,
        live: CommunityLiveFeeds(
            feed: platform.communityFeed, readYourWrites: platform.readYourWrites, access: platform.access, clock: platform.clock,
            logger: platform.logger
        )
    ).addRoutes(to: routes)
    EventsController(commands: commands, events: try readModels.events).addRoutes(to: routes)
    ReplicationController(
        node: platform.replication, streamer: ReplicationStreamer(log: platform.log, keys: platform.keys), logger: platform.logger
    ).addRoutes(to: routes)
    return (router, routes)
}
