import Application
import Foundation
import Logging
import ServiceLifecycle
import SQLiteNIO

/// The embedded state store (used when DATABASE_URL is absent): one SQLite file under
/// ORCHESTRATOR_STATE_DIR, in WAL mode so it survives a crash of the service.
public actor SQLiteDatabase {
    public nonisolated let path: String
    private let logger: Logger
    private var connection: SQLiteConnection?

    public init(directory: String, logger: Logger) {
        path = URL(fileURLWithPath: directory).appendingPathComponent("orchestrator.sqlite").path
        self.logger = logger
    }

    /// Opens (creating the directory and file when needed) and applies pending migrations.
    public func open(_ migrations: [StoreMigration] = StoreMigration.embedded) async throws {
        guard connection == nil else { return }
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw StoreError.unavailable("cannot create \((path as NSString).deletingLastPathComponent): \(error.localizedDescription)")
        }
        let opened = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        connection = opened
        _ = try await opened.query("PRAGMA journal_mode=WAL", [])
        _ = try await opened.query("PRAGMA busy_timeout=5000", [])
        _ = try await opened.query("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)", [])
        let applied = Set(try await appliedMigrations())
        for migration in migrations.sorted(by: { $0.version < $1.version }) where !applied.contains(migration.version) {
            _ = try await opened.query("BEGIN IMMEDIATE", [])
            do {
                for statement in migration.statements { _ = try await opened.query(statement, []) }
                _ = try await opened.query(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    [.integer(migration.version), .text(migration.name), .integer(Int(Date().timeIntervalSince1970))]
                )
                _ = try await opened.query("COMMIT", [])
            } catch {
                _ = try? await opened.query("ROLLBACK", [])
                throw error
            }
            logger.info("migration applied", metadata: ["version": "\(migration.version)", "name": "\(migration.name)", "store": "embedded"])
        }
    }

    public func appliedMigrations() async throws -> [Int] {
        try await query("SELECT version FROM schema_migrations ORDER BY version").compactMap { $0.column("version")?.integer }
    }

    public func query(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        guard let connection else { throw StoreError.unavailable("the embedded store is not open") }
        return try await connection.query(sql, binds)
    }

    public func close() async throws {
        try await connection?.close()
        connection = nil
    }
}

extension SQLiteDatabase: HealthProbe {
    public nonisolated var component: String { "database" }

    public func check() async throws {
        do {
            _ = try await query("SELECT 1")
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unavailable("\(error)")
        }
    }
}

/// In the ServiceGroup, the embedded store closes its connection on graceful shutdown (SQLiteNIO
/// requires an explicit close before the connection is released).
extension SQLiteDatabase: Service {
    public nonisolated func run() async throws {
        try? await gracefulShutdown()
        try await close()
    }
}
