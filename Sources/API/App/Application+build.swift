import Cryptography
import Domain
import EventLog
import EventSourcing
import Foundation
public import Hummingbird
public import Logging
import Metrics
public import NIOCore
import ReadModels
import ServiceLifecycle

/// Where the HTTP server listens.
public struct ServerAddress: Sendable {
    public var host: String
    public var port: Int

    /// An address (`127.0.0.1:8080` by default; port 0 picks a free one).
    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// The application: the router on `platform`, with the projection runners as a service, so one
/// `runService()` serves HTTP and keeps read models current, and stops both on SIGTERM/SIGINT.
///
/// - Parameter runsProjections: `false` leaves the read models where they are (tests of the
///   read-your-writes timeout; a read-only replica would follow the log elsewhere).
public func buildApplication(
    platform: Platform, address: ServerAddress = ServerAddress(), logger: Logger = Logger(label: "protalent.http"),
    runsProjections: Bool = true, onServerRunning: (@Sendable (any Channel) async -> Void)? = nil
) -> some ApplicationProtocol {
    var app = Application(
        router: buildRouter(platform: platform).router,
        configuration: ApplicationConfiguration(address: .hostname(address.host, port: address.port), serverName: "ProTalent"),
        services: runsProjections ? [ProjectionService(readModels: platform.readModels)] : [],
        onServerRunning: onServerRunning ?? { _ in },
        logger: logger
    )
    app.logger.logLevel = logger.logLevel
    return app
}

/// The router and the route table it was built from (the table feeds the OpenAPI document and tests).
public func buildRouter(platform: Platform) -> (router: Router<AppRequestContext>, routes: RouteTable) {
    _ = PlatformMetrics.registry
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: ProblemMiddleware())
    let routes = RouteTable(router: router, platform: platform)
    router.add(middleware: MethodNotAllowedMiddleware(routes: routes))
    OperationsController(platform: platform, routes: routes).addRoutes(to: routes)
    AuthController(platform: platform).addRoutes(to: routes)
    UsersController(platform: platform).addRoutes(to: routes)
    DiscoveryController(platform: platform).addRoutes(to: routes)
    MentorsController(platform: platform).addRoutes(to: routes)
    ScholarshipsController(platform: platform).addRoutes(to: routes)
    AdminController(platform: platform).addRoutes(to: routes)
    CommunitiesController(platform: platform).addRoutes(to: routes)
    EventsController(platform: platform).addRoutes(to: routes)
    return (router, routes)
}
