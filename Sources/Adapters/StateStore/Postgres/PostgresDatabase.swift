import Application
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// The shared state store on PostgreSQL (chosen when DATABASE_URL is set): one client pool for
/// the process, versioned migrations, and a readiness probe.
public struct PostgresDatabase: Sendable {
    public let client: PostgresClient
    /// Bound on getting a connection and on each round trip (STORE_TIMEOUT_SECONDS).
    public let timeout: Duration
    private let logger: Logger

    /// `postgres://user:password@host:port/database?sslmode=disable|prefer|require`
    public init(url: String, timeout: Duration = .seconds(10), logger: Logger) throws(StoreError) {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            throw .failed("DATABASE_URL is not a postgres:// URL")
        }
        let database = String(components.path.drop { $0 == "/" })
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        let tls: PostgresClient.Configuration.TLS
        switch mode {
        case "disable": tls = .disable
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: tls = .prefer(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432,
            username: components.user?.removingPercentEncoding ?? "postgres",
            password: components.password?.removingPercentEncoding,
            database: database.isEmpty ? nil : database, tls: tls
        )
        // Covers TCP and the start-up exchange; a lease still waits for the pool's retries, which
        // `PostgresRoundTrips` bounds.
        configuration.options.connectTimeout = timeout
        configuration.options.maximumConnections = 8
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.timeout = timeout
        self.logger = logger
    }

    /// The adapters' way to the server: every exchange bounded by `timeout`.
    func roundTrips(logger: Logger) -> PostgresRoundTrips {
        PostgresRoundTrips(client: client, timeout: timeout, logger: logger)
    }

    /// Applies every migration not yet recorded, in order, each in its own transaction. An
    /// advisory lock makes concurrent starts of several replicas apply each migration once.
    public func migrate(_ migrations: [StoreMigration] = StoreMigration.postgres) async throws {
        try await client.query("CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())", logger: logger)
        for migration in migrations.sorted(by: { $0.version < $1.version }) {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(7305001)", logger: logger)
                let applied = try await connection.query("SELECT 1 FROM schema_migrations WHERE version = \(migration.version)", logger: logger)
                var alreadyApplied = false
                for try await _ in applied { alreadyApplied = true }
                guard !alreadyApplied else { return }
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger)
                logger.info("migration applied", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
        }
    }

    /// Versions recorded in `schema_migrations`.
    public func appliedMigrations() async throws -> [Int] {
        var versions: [Int] = []
        for try await version in try await client.query("SELECT version FROM schema_migrations ORDER BY version", logger: logger).decode(Int.self) {
            versions.append(version)
        }
        return versions
    }
}

extension PostgresDatabase: HealthProbe {
    public var component: String { "database" }

    public func check() async throws {
        do {
            // A probe answers quickly, whatever the store's own bound.
            try await PostgresRoundTrips(client: client, timeout: min(timeout, .seconds(3)), logger: logger).query("SELECT 1")
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unavailable(String(describing: error).prefix(200).description)
        }
    }
}
