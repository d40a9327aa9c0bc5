@testable import StateStoreAdapter
import Foundation
import Logging
import Testing

/// The state-store adapter a contract test runs against.
enum StoreBackend: String, Sendable, CustomTestStringConvertible {
    case postgres
    case embedded

    var testDescription: String { rawValue }
}

/// Where one contract test's store keeps its data: the PostgreSQL database of the harness, or a
/// fresh SQLite directory. It outlives the adapter instances opened on it (for restart cases).
struct StoreLocation: Sendable {
    let backend: StoreBackend
    private let target: String

    init(_ backend: StoreBackend, services: TestServices, name: String) throws {
        self.backend = backend
        switch backend {
        case .postgres: target = try services.require("ORCH_TEST_DATABASE_URL", for: "PostgreSQL")
        case .embedded: target = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID())").path
        }
    }

    /// Removes the SQLite directory (PostgreSQL rows are left: every test uses its own keys).
    func cleanUp() {
        if backend == .embedded { try? FileManager.default.removeItem(atPath: target) }
    }

    /// Opens a new database instance (its own client pool or SQLite connection, schema migrated),
    /// builds the adapter under test on it, runs `body` and shuts the instance down.
    func open<Adapter, T: Sendable>(
        postgres: (PostgresDatabase, Logger) -> Adapter,
        embedded: (SQLiteDatabase, Logger) -> Adapter,
        _ body: (Adapter) async throws -> T
    ) async throws -> T {
        let logger = Logger(label: "store-\(backend.rawValue)")
        switch backend {
        case .postgres:
            let database = try PostgresDatabase(url: target, logger: logger)
            return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
                group.addTask { await database.client.run() }
                defer { group.cancelAll() }
                // Other suites drop tables: migrate in every test.
                try await database.migrate()
                return try await body(postgres(database, logger))
            }
        case .embedded:
            let database = SQLiteDatabase(directory: target, logger: logger)
            try await database.open()
            do {
                let result = try await body(embedded(database, logger))
                try await database.close()
                return result
            } catch {
                try? await database.close()
                throw error
            }
        }
    }
}
