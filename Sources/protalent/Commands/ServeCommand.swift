import API
import ArgumentParser
import Cryptography
import EventLog
import Foundation
import Hummingbird
import Logging
import OTel
import ServiceLifecycle

/// `protalent serve`: the HTTP API, the log writer and the projection runners in one process,
/// stopped gracefully by SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API on a data directory.",
        discussion: """
        Environment: PROTALENT_DATA_DIR, PROTALENT_HOST, PROTALENT_PORT, PROTALENT_BOOTSTRAP_ADMIN, \
        PROTALENT_PROJECTIONS_DIR, PROTALENT_SERVER_KEY, PROTALENT_MASTER_KEY, PROTALENT_RATE_LIMITS=off \
        (load tests only), PROTALENT_LOG_LEVEL, PROTALENT_LOG_FORMAT=json|text, PROTALENT_REPLICA_OF, PROTALENT_REPLICATION_SECRET (the secret \
        itself), PROTALENT_ADVERTISE_URL, PROTALENT_SYNC_REPLICAS, PROTALENT_SYNC_TIMEOUT, PROTALENT_TLS_CERT, PROTALENT_TLS_KEY, PROTALENT_TRUSTED_PROXIES. Flags win over the environment. A cluster: docs/operations.md.
        """
    )

    @Option(name: .customLong("data-dir"), help: "The data directory (default ./data, or PROTALENT_DATA_DIR).")
    var dataDirectory: String?

    @Option(help: "The address to listen on (default 127.0.0.1, or PROTALENT_HOST).")
    var host: String?

    @Option(help: "The port (default 8080, or PROTALENT_PORT; 0 picks a free one).")
    var port: Int?

    @Flag(help: "Fill an empty log with demo data first.")
    var demo = false

    @Option(name: .customLong("bootstrap-admin"), help: "Promote the account with this email to admin at start-up.")
    var bootstrapAdmin: String?

    @Option(name: .customLong("projections"), help: "The directory of .sql projections (default ./projections).")
    var projectionsDirectory: String?

    @Option(name: .customLong("demo-users"), help: "How many demo users --demo creates.")
    var demoUsers = 300

    @Option(name: .customLong("idle-timeout"), help: "Seconds a connection may send nothing before it is closed (default 30, or PROTALENT_IDLE_TIMEOUT).")
    var idleTimeout: Double?

    @Option(name: .customLong("max-connections"), help: "Open connections at most (default 1024, or PROTALENT_MAX_CONNECTIONS).")
    var maxConnections: Int?

    @Option(name: .customLong("replica-of"), help: "Run as a replica of the primary among these comma-separated URLs (the unfenced primary at the highest epoch; or PROTALENT_REPLICA_OF).")
    var replicaOf: String?

    @Option(
        name: .customLong("replication-secret-file"),
        help: "The file holding the secret the cluster's nodes share (or PROTALENT_REPLICATION_SECRET).")
    var replicationSecretFile: String?

    @Option(name: .customLong("advertise-url"), help: "The URL clients reach this node at, told to replicas (or PROTALENT_ADVERTISE_URL).")
    var advertiseURL: String?

    @Option(
        name: .customLong("scrub-interval"),
        help: "Hours between background re-verifications of the whole log, as `protalent verify` does (default 0: never; or PROTALENT_SCRUB_INTERVAL_HOURS).")
    var scrubInterval: Double?

    @Option(
        name: .customLong("sync-replicas"),
        help: "On a primary (or a replica once promoted): acknowledge a command only once this many replicas hold it durably (default 0, or PROTALENT_SYNC_REPLICAS)."
    )
    var syncReplicas: Int?

    @Option(
        name: .customLong("sync-timeout"),
        help: "How long a command waits for --sync-replicas before answering 503 (2s by default; 500ms, 1.5s or seconds; or PROTALENT_SYNC_TIMEOUT)."
    )
    var syncTimeout: String?

    @Option(
        name: .customLong("tls-cert"),
        help: "Serve HTTPS with this PEM certificate (then any intermediates), with --tls-key (or PROTALENT_TLS_CERT).")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "The unencrypted PEM private key of --tls-cert (or PROTALENT_TLS_KEY).")
    var tlsKey: String?

    @OptionGroup var archive: ArchiveOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let tracing: (any Service)?
        do {
            // Before the first logger is made: every logger of the process takes this format, with
            // the current span's trace and span ids.
            try LogFormat(environment: environment).bootstrap(metadataProvider: OTel.makeLoggingMetadataProvider())
            tracing = try Self.tracing(environment: environment)
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        var logger = Logger(label: "protalent")
        logger.logLevel = environment["PROTALENT_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let data = dataDirectory ?? environment["PROTALENT_DATA_DIR"] ?? "./data"
        let projections = projectionsDirectory ?? environment["PROTALENT_PROJECTIONS_DIR"] ?? "./projections"
        let address = ServerAddress(
            host: host ?? environment["PROTALENT_HOST"] ?? "127.0.0.1",
            port: port ?? environment["PROTALENT_PORT"].flatMap(Int.init) ?? 8080
        )
        var configuration = Platform.Configuration(
            dataDirectory: URL(fileURLWithPath: data), projectionsDirectory: URL(fileURLWithPath: projections)
        )
        if environment["PROTALENT_RATE_LIMITS"] == "off" { configuration.rateLimits.enabled = false }
        do {
            configuration.replication = try replicationSettings(environment: environment)
            configuration.tls = try tlsSettings(environment: environment)
            configuration.trustedProxies = try TrustedProxies(environment: environment)
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        do {
            // Kept on a replica too: it archives only once promoted (the primary archives its log).
            configuration.archive = try archive.settings(environment: environment)
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        if configuration.replication.isReplica, demo {
            printError("error: --demo writes to the log; a replica takes its log from the primary (seed the primary instead)")
            throw ExitCode(1)
        }

        let platform: Platform
        do {
            platform = try Platform(configuration, logger: logger)
        } catch {
            // A damaged or locked log is not a usage mistake: say what and where, without the usage text.
            printError("error: cannot open \(data): \(error)")
            throw ExitCode(1)
        }
        defer { platform.close() }
        let isReplica = platform.replication.role == .replica

        if let hours = scrubInterval ?? environment["PROTALENT_SCRUB_INTERVAL_HOURS"].flatMap(Double.init), hours > 0 {
            LogScrubber.start(directory: platform.log.directory, every: hours * 3_600, logger: logger)
        }

        var seeded: DemoData.Logins?
        if demo {
            let report: @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
            let progress = isatty(STDERR_FILENO) == 1 ? report : nil
            seeded = try await DemoData.seedIfEmpty(platform, users: demoUsers, progress: progress)
        }
        let demoLogin = seeded
        if isReplica, let email = bootstrapAdmin ?? environment["PROTALENT_BOOTSTRAP_ADMIN"] {
            _ = email
            logger.warning("--bootstrap-admin is ignored on a replica: promote the account on the primary")
        } else if let email = bootstrapAdmin ?? environment["PROTALENT_BOOTSTRAP_ADMIN"] {
            do {
                let id = try await platform.accounts.promoteToAdmin(email: email)
                logger.info("bootstrap admin promoted", metadata: ["user": "\(id.uuidString.lowercased())"])
            } catch let error as APIError where error.kind == "replication-timeout" {
                // No replica can connect before this node listens, so a `--sync-replicas` primary
                // never sees this grant confirmed here; it is durable and replicas receive it on connecting.
                logger.notice("bootstrap admin promoted; replicas receive the grant when they connect")
            }
        }
        var limits = ConnectionLimits()
        if let seconds = idleTimeout ?? environment["PROTALENT_IDLE_TIMEOUT"].flatMap(Double.init), seconds > 0 {
            limits.idleTimeout = .milliseconds(Int64(seconds * 1_000))
        }
        if let count = maxConnections ?? environment["PROTALENT_MAX_CONNECTIONS"].flatMap(Int.init), count > 0 {
            limits.maxConnections = count
        }
        let app = try buildApplication(
            platform: platform, address: address, limits: limits, logger: logger, extraServices: tracing.map { [$0] } ?? []
        ) { channel in
            let port = channel.localAddress?.port ?? address.port
            let scheme = platform.configuration.tls == nil ? "http" : "https"
            var lines = ["ProTalent is listening on \(scheme)://\(address.host):\(port)  (API: /openapi.json, health: /health, metrics: /metrics)"]
            switch platform.replication.standing {
            case .replica:
                let nodes = platform.configuration.replication.candidateURLs.map(\.absoluteString).joined(separator: ", ")
                lines.append("replica of the primary among \(nodes): commands answer 307 to the primary")
            case .fenced:
                lines.append("fenced at epoch \(platform.replication.epoch): a newer primary exists; reads only (run protalent rejoin)")
            case .primary:
                if platform.replication.epoch > 0 { lines.append("primary at epoch \(platform.replication.epoch)") }
            }
            if let archive = platform.configuration.archive {
                lines.append(platform.replication.standing == .primary
                    ? "archiving to \(archive.location) every \(archive.interval)"
                    : "archive \(archive.location): written by the primary; this node takes it over if promoted")
            }
            if let demoLogin {
                lines.append("demo student: \(demoLogin.student) / \(DemoData.password)")
                lines.append("demo mentor:  \(demoLogin.mentor) / \(DemoData.password)")
                lines.append("demo admin:   \(demoLogin.admin) / \(DemoData.password)")
            }
            // Written unbuffered: scripts wait for this line to know the port.
            FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
        try await app.runService()
    }

    /// The trace exporter, when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (OTLP/HTTP; the other
    /// standard `OTEL_*` variables configure it: `OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG`,
    /// `OTEL_SERVICE_NAME`, …); `nil` leaves tracing off and the no-op tracer in place.
    static func tracing(environment: [String: String]) throws -> (any Service)? {
        guard let endpoint = environment["OTEL_EXPORTER_OTLP_ENDPOINT"], !endpoint.isEmpty else { return nil }
        var configuration = OTel.Configuration.default
        configuration.serviceName = "protalent"
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        return try OTel.bootstrap(configuration: configuration, environment: environment)
    }

    /// `--replica-of`, the secret and `--advertise-url`, from flags or the environment.
    private func replicationSettings(environment: [String: String]) throws -> ReplicationSettings {
        let secret = try ReplicationSecret.load(file: replicationSecretFile, environment: environment)
        func url(_ text: String?, _ name: String) throws -> URL? {
            guard let text, !text.isEmpty else { return nil }
            guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                throw ValidationError("\(name) must be an http(s) URL such as http://10.0.0.1:8080, not '\(text)'")
            }
            return url
        }
        let primaries = try (replicaOf ?? environment["PROTALENT_REPLICA_OF"] ?? "").split(separator: ",").compactMap {
            try url(String($0).trimmingCharacters(in: .whitespaces), "--replica-of")
        }
        let primary = primaries.first
        let advertised = try url(advertiseURL ?? environment["PROTALENT_ADVERTISE_URL"], "--advertise-url")
        if primary != nil, secret == nil {
            throw ValidationError("a replica needs the cluster's secret: --replication-secret-file F or PROTALENT_REPLICATION_SECRET")
        }
        let replicas = syncReplicas ?? environment["PROTALENT_SYNC_REPLICAS"].flatMap { Int($0) } ?? 0
        guard replicas >= 0 else { throw ValidationError("--sync-replicas must be 0 or more, not \(replicas)") }
        if replicas > 0, secret == nil {
            throw ValidationError("--sync-replicas needs the cluster's secret (replicas cannot stream without it)")
        }
        var timeout = Duration.seconds(2)
        if let text = syncTimeout ?? environment["PROTALENT_SYNC_TIMEOUT"] {
            guard let parsed = Self.duration(text) else {
                throw ValidationError("--sync-timeout must be a positive duration such as 2s, 500ms or 1.5, not '\(text)'")
            }
            timeout = parsed
        }
        return ReplicationSettings(
            secret: secret, primaryURLs: primaries, advertiseURL: advertised, syncReplicas: replicas, syncTimeout: timeout
        )
    }

    /// `--tls-cert` and `--tls-key` (or `PROTALENT_TLS_CERT` and `PROTALENT_TLS_KEY`), read and
    /// checked before anything opens; `nil` without either (plain HTTP).
    private func tlsSettings(environment: [String: String]) throws -> ServerTLS? {
        let certificate = (tlsCertificate ?? environment["PROTALENT_TLS_CERT"]).flatMap { $0.isEmpty ? nil : $0 }
        let key = (tlsKey ?? environment["PROTALENT_TLS_KEY"]).flatMap { $0.isEmpty ? nil : $0 }
        switch (certificate, key) {
        case (nil, nil):
            return nil
        case (let certificate?, let key?):
            return try ServerTLS(certificateFile: certificate, keyFile: key)
        default:
            throw ValidationError(
                "--tls-cert and --tls-key go together: give both (or neither, and end TLS at a proxy in front: docs/operations.md)"
            )
        }
    }

    /// `2s`, `500ms`, `1.5` (seconds): a positive duration, or `nil`.
    static func duration(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let (number, scale): (Substring, Double) = if trimmed.hasSuffix("ms") {
            (trimmed.dropLast(2), 0.001)
        } else if trimmed.hasSuffix("s") {
            (trimmed.dropLast(), 1)
        } else {
            (Substring(trimmed), 1)
        }
        guard let value = Double(number), value.isFinite, value > 0 else { return nil }
        return .milliseconds(Int64((value * scale * 1_000).rounded()))
    }
}
