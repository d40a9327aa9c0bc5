@testable import StateStoreAdapter
import Application
import Foundation
import Logging
import PostgresNIO
import Testing

extension LiveServices {
    /// Both state stores apply the same versioned migrations, once, and answer readiness.
    @Suite struct StateStoreTests {
        let services = TestServices.shared

        @Test func postgresMigrationsApplyOnceEvenFromConcurrentStarts() async throws {
            let url = try services.require("ORCH_TEST_DATABASE_URL", for: "PostgreSQL")
            let first = try PostgresDatabase(url: url, logger: Logger(label: "pg-1"))
            let second = try PostgresDatabase(url: url, logger: Logger(label: "pg-2"))
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { await first.client.run() }
                group.addTask { await second.client.run() }
                try await first.client.query("DROP TABLE IF EXISTS service_instances, schema_migrations")
                // Two replicas starting at the same moment.
                async let a: Void = first.migrate()
                async let b: Void = second.migrate()
                _ = try await (a, b)
                #expect(try await first.appliedMigrations() == StoreMigration.postgres.map(\.version))
                try await first.migrate()
                #expect(try await second.appliedMigrations() == StoreMigration.postgres.map(\.version))
                try await first.check()
                group.cancelAll()
            }
        }

        @Test func anUnreachablePostgresIsReportedUnavailable() async throws {
            let database = try PostgresDatabase(url: "postgres://x:y@127.0.0.1:1/none?sslmode=disable", logger: Logger(label: "pg"))
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { await database.client.run() }
                await #expect { try await database.check() } throws: { ($0 as? StoreError)?.code == "store.unavailable" }
                group.cancelAll()
            }
        }

        @Test func theEmbeddedStoreSurvivesAReopen() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let store = SQLiteDatabase(directory: directory, logger: Logger(label: "sqlite"))
            try await store.open()
            _ = try await store.query("INSERT INTO service_instances VALUES (?, ?, ?, ?)", [.text("a"), .text("host"), .integer(1), .integer(2)])
            try await store.close()

            let reopened = SQLiteDatabase(directory: directory, logger: Logger(label: "sqlite"))
            try await reopened.open()
            #expect(try await reopened.appliedMigrations() == StoreMigration.embedded.map(\.version))
            #expect(try await reopened.query("SELECT hostname FROM service_instances").first?.column("hostname")?.string == "host")
            try await reopened.check()
            try await reopened.close()
        }
    }
}
