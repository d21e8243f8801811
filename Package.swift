// swift-tools-version:6.1
import PackageDescription

/// One settings list for every target (as Hummingbird does): Swift 6 language mode is the default of
/// tools 6.x; these upcoming features keep existentials, imports and visibility explicit.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "protalent",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "protalent", targets: ["protalent"]),
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "EventSourcing", targets: ["EventSourcing"]),
        .library(name: "Domain", targets: ["Domain"]),
        .library(name: "Projections", targets: ["Projections"]),
        .library(name: "ReadModels", targets: ["ReadModels"]),
        .library(name: "API", targets: ["API"]),
        .library(name: "Archive", targets: ["Archive"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        // The replica's HTTP client for the primary's replication stream (HummingbirdTesting builds it already).
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // Traces: the API's spans (Hummingbird already builds swift-distributed-tracing), exported over
        // OTLP/HTTP only — the trait keeps grpc-swift out of the build (docs/operations.md, "Tracing").
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.1.0"),
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
        // HTTPS without a proxy (`serve --tls-cert/--tls-key`); AsyncHTTPClient already builds it.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.2"),
    ],
    targets: [
        // C shims over the system libraries (Debian: liblz4-dev, libssl-dev).
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        .target(name: "Cryptography", dependencies: ["COpenSSL"], swiftSettings: swiftSettings),
        // CRC-32C with the processor's instruction (SSE 4.2), which Swift cannot name.
        .target(name: "CCRC32C"),
        .target(name: "EventLog", dependencies: ["CLZ4", "CCRC32C", "Cryptography"], swiftSettings: swiftSettings),
        .target(
            name: "EventSourcing",
            dependencies: ["EventLog", "Cryptography", .product(name: "Tracing", package: "swift-distributed-tracing")],
            swiftSettings: swiftSettings
        ),
        // The S3 client of the log's archive (SigV4 over AsyncHTTPClient); it knows no log.
        .target(
            name: "Archive",
            dependencies: [
                "Cryptography",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "Domain", dependencies: ["EventSourcing"], swiftSettings: swiftSettings),
        // One SQLite setting that only C can make (sqlite3_config is variadic).
        .target(name: "CSQLiteTuning", linkerSettings: [.linkedLibrary("sqlite3")]),
        // Starting a file's writeback early (sync_file_range, a GNU extension Swift's Glibc omits).
        .target(name: "CFileWriteback"),
        // The engine that runs `projections/*.sql` into SQLite; it knows no domain.
        .target(
            name: "Projections",
            dependencies: [
                "EventLog", "EventSourcing", "Cryptography", "CSQLiteTuning", "CFileWriteback",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The typed queries over the projections' read models, search and recommendations.
        .target(
            name: "ReadModels",
            dependencies: [
                "EventLog", "Domain", "Projections",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "API",
            dependencies: [
                "EventLog", "EventSourcing", "Domain", "Projections", "ReadModels", "Cryptography", "Archive",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "protalent",
            dependencies: [
                "EventLog", "EventSourcing", "Domain", "Projections", "ReadModels", "Cryptography", "API", "Archive",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings,
            // jemalloc instead of glibc's malloc for the whole process (Swift, SQLite, NIO): rebuilds
            // allocate heavily, and jemalloc serves them with less CPU.
            // (docs/performance.md, "Figures formerly in code comments")
            linkerSettings: [.linkedLibrary("jemalloc")]
        ),

        // Shared fixtures and assertions for the test targets.
        .target(name: "TestSupport", dependencies: ["EventLog"], path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "CryptographyTests", dependencies: ["Cryptography"], swiftSettings: swiftSettings),
        // SigV4 against AWS's published test suite (Fixtures/sigv4, source in its README).
        .testTarget(name: "ArchiveTests", dependencies: ["Archive", "Cryptography"], exclude: ["Fixtures"], swiftSettings: swiftSettings),
        .testTarget(name: "EventLogTests", dependencies: ["EventLog", "TestSupport"], swiftSettings: swiftSettings),
        // Drives the real `protalent` binary (built because this target depends on it).
        .testTarget(
            name: "ProtalentTests",
            dependencies: [
                "protalent", "EventLog", "EventSourcing", "Domain", "Projections", "ReadModels", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // The real binary from outside, over HTTP: journeys, SIGKILL under load, rebuilds, tampering,
        // hostile input (docs/testing.md).
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "protalent", "EventLog", "EventSourcing", "API", "Archive", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "EventSourcingTests", dependencies: ["EventSourcing", "EventLog", "Domain", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "DomainTests", dependencies: ["Domain", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "APITests",
            dependencies: [
                "API", "Projections", "ReadModels", "EventSourcing", "EventLog", "Domain", "Cryptography", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // A data directory with a log and key store, and sets of projections over it, for the tests of
        // the engine and of the queries.
        .target(
            name: "ProjectionsTestSupport",
            dependencies: ["Projections", "EventSourcing", "EventLog", "TestSupport"],
            path: "Tests/ProjectionsTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ProjectionsTests",
            dependencies: [
                "Projections", "ProjectionsTestSupport", "EventSourcing", "EventLog", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReadModelsTests",
            dependencies: [
                "ReadModels", "Projections", "ProjectionsTestSupport", "EventSourcing", "EventLog", "Domain", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
