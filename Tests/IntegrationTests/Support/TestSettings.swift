@testable import StateStoreAdapter
@testable import Bootstrap
import Foundation
import Logging

extension TestServices {
    /// A complete, valid configuration pointing at the harness services.
    func settingsValues(_ overrides: [String: String] = [:]) throws -> [String: String] {
        var values = [
            "FD_LDAP_MASTER_URL": try ldapURL,
            "LDAP_BASE": try ldapBase,
            "LDAP_ADMIN": try ldapAdmin,
            "LDAP_PWD": try ldapPassword,
            "LDAP_OU_DSA": "ou=dsa,\(try ldapBase)",
            "SECRET_KEY": "integration-tests-secret-key-0123456789",
            "MAIL_HOST": values["ORCH_TEST_SMTP_HOST"] ?? "127.0.0.1",
            "MAIL_PORT": values["ORCH_TEST_SMTP_PORT"] ?? "25",
            "LDAP_TIMEOUT": "2",
            // Transient failures are retried by the very next run unless a test asks for backoff.
            "RETRY_BASE_SECONDS": "0", "RETRY_CAP_SECONDS": "0",
            "ORCHESTRATOR_LISTEN": "127.0.0.1:0",
        ]
        for (key, value) in overrides { values[key] = value }
        return values
    }

    func settings(_ overrides: [String: String] = [:]) throws -> Settings {
        try Settings(values: settingsValues(overrides))
    }
}

extension TestServices {
    /// A fresh embedded state store in a temporary directory.
    func embeddedStore() throws -> Composition.Store {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("orchestrator-test-\(UUID())").path
        return EmbeddedStateStore(database: SQLiteDatabase(directory: directory, logger: Logger(label: "test-store")), logger: Logger(label: "test-store"))
    }

    /// The PostgreSQL state store of the harness.
    func postgresStore() throws -> Composition.Store {
        PostgresStateStore(database: try PostgresDatabase(url: require("ORCH_TEST_DATABASE_URL", for: "PostgreSQL"), logger: Logger(label: "test-pg")), logger: Logger(label: "test-pg"))
    }
}
