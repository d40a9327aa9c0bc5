// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "fusiondirectory-orchestrator",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fusiondirectory-orchestrator", targets: ["Bootstrap"]),
        .executable(name: "orchestrator-bench", targets: ["Benchmarks"]),
        .executable(name: "fusiondirectory-orchestrator-client", targets: ["OrchestratorClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "4.5.2"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // C libraries from Debian's -dev packages; the shims wrap what Swift cannot call (variadics, pointer macros).
        .systemLibrary(name: "CLDAP", pkgConfig: "ldap", providers: [.apt(["libldap2-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CMalloc"),

        // Pure model: no I/O library, no C.
        .target(name: "Domain", swiftSettings: strict),
        // The dotenv format of orchestrator.conf, read by the service and the client.
        .target(name: "DotEnvFile", swiftSettings: strict),
        // Use cases and the ports they need.
        .target(name: "Application", dependencies: ["Domain"], swiftSettings: strict),
        // Every technology lives in its own target under Sources/Adapters, behind a port: one
        // technology reaches another only through Application's ports.
        .target(name: "AdapterSupport", path: "Sources/Adapters/Support", swiftSettings: strict),
        .target(
            name: "LDAPAdapter",
            dependencies: ["Domain", "Application", "AdapterSupport", "CLDAP", .product(name: "CoreMetrics", package: "swift-metrics")],
            path: "Sources/Adapters/LDAP", swiftSettings: strict
        ),
        .target(
            name: "SMTPAdapter",
            dependencies: ["Application", "AdapterSupport", "CCurl", .product(name: "CoreMetrics", package: "swift-metrics")],
            path: "Sources/Adapters/SMTP", swiftSettings: strict
        ),
        .target(
            name: "StateStoreAdapter",
            dependencies: [
                "Domain", "Application",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/Adapters/StateStore", swiftSettings: strict
        ),
        .target(
            name: "FusionDirectoryRESTAdapter",
            dependencies: [
                "Application",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            path: "Sources/Adapters/FusionDirectoryREST", swiftSettings: strict
        ),
        .target(
            name: "ArchiveAdapter", dependencies: ["Domain", "Application"],
            path: "Sources/Adapters/Archive", swiftSettings: strict
        ),
        .target(
            name: "InMemoryAdapter", dependencies: ["Domain", "Application"],
            path: "Sources/Adapters/InMemory", swiftSettings: strict
        ),
        .target(
            name: "AuthCryptoAdapter",
            dependencies: [
                "Application", "AdapterSupport",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/Adapters/AuthCrypto", swiftSettings: strict
        ),
        .target(
            name: "LoggingAdapter",
            dependencies: ["Application", .product(name: "Logging", package: "swift-log")],
            path: "Sources/Adapters/Logging", swiftSettings: strict
        ),
        // swift-metrics' API for the operation counts, and the Prometheus registry behind it.
        .target(
            name: "MetricsAdapter",
            dependencies: [
                "Domain", "Application",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Sources/Adapters/Metrics", swiftSettings: strict
        ),
        .target(
            name: "HTTPAdapter",
            dependencies: [
                "Domain", "Application", "AdapterSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            path: "Sources/Adapters/HTTP",
            resources: [.copy("Resources/openapi.json")],
            swiftSettings: strict
        ),
        // The composition root and the executable.
        .executableTarget(
            name: "Bootstrap",
            dependencies: [
                "CMalloc", "Domain", "Application", "AdapterSupport", "LDAPAdapter", "SMTPAdapter", "StateStoreAdapter", "InMemoryAdapter", "AuthCryptoAdapter", "LoggingAdapter", "HTTPAdapter",
                "FusionDirectoryRESTAdapter", "ArchiveAdapter", "MetricsAdapter", "DotEnvFile",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        // Figures, not tests: `scripts/bench` runs them against a live service.
        .executableTarget(
            name: "Benchmarks",
            dependencies: [
                "Domain", "Application", "LDAPAdapter", "StateStoreAdapter", "AuthCryptoAdapter",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // The cron-facing client: HTTP only (the operation names are Domain's vocabulary).
        .executableTarget(
            name: "OrchestratorClient",
            dependencies: [
                "Domain", "DotEnvFile",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Sources/Client",
            swiftSettings: strict
        ),
        .testTarget(name: "DomainTests", dependencies: ["Domain"], swiftSettings: strict),
        // The use cases and the run engine against in-memory adapters: no service, seconds.
        .testTarget(name: "ApplicationTests", dependencies: ["Domain", "Application", "InMemoryAdapter"], swiftSettings: strict),
        // The client's pure parts (flags, settings, URLs, exit statuses): no I/O.
        .testTarget(name: "ClientTests", dependencies: ["OrchestratorClient"], swiftSettings: strict),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "Domain", "Application", "AdapterSupport", "LDAPAdapter", "SMTPAdapter", "StateStoreAdapter", "InMemoryAdapter", "AuthCryptoAdapter", "LoggingAdapter", "HTTPAdapter", "Bootstrap",
                "FusionDirectoryRESTAdapter", "ArchiveAdapter", "MetricsAdapter", "DotEnvFile",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
    ]
)
