import ArgumentParser
import Foundation

/// Benchmarks that print figures (not timed tests). `scripts/bench` starts what they need.
@main
struct BenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orchestrator-bench",
        abstract: "Measure the running service and print figures.",
        subcommands: [Auth.self, Tasks.self]
    )

    struct Auth: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Logins/s, authenticated requests/s, token verification cost.")
        @Option var url = "http://127.0.0.1:8089"
        @Option var username = "orchestrator"
        @Option var password = "orchestrator-pass"
        @Option(help: "the service's SECRET_KEY (for the in-process verification figure)") var secret: String
        @Option var concurrency = 8

        func run() async throws {
            try await AuthBenchmark(baseURL: url, username: username, password: password, secret: Array(secret.utf8), concurrency: concurrency).run()
        }
    }

    struct Tasks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "GET /api/tasks and /api/tasks/mail over HTTP next to the same LDAP searches in-process (scripts/bench tasks loads the data)."
        )
        @Option var url = "http://127.0.0.1:8089"
        @Option var username = "orchestrator"
        @Option var password = "orchestrator-pass"
        @Option(help: "the directory the service reads (for the in-process searches)") var ldapUrl: String
        @Option var ldapBase = "dc=example,dc=org"
        @Option var ldapAdmin = "cn=admin,dc=example,dc=org"
        @Option var ldapPassword: String
        @Option(help: "LDAP connections in-process; keep it equal to the service's LDAP_POOL_SIZE") var poolSize = 4
        @Option var concurrency = 4
        @Option(help: "measured seconds per row") var seconds = 10.0
        @Option(help: "untimed operations before each row") var warmup = 8
        @Option(help: "the limit query parameter of the kind listing") var limit = 10_000

        func run() async throws {
            try await TasksBenchmark(
                baseURL: url, username: username, password: password,
                ldap: .init(url: ldapUrl, bindDN: ldapAdmin, password: ldapPassword, maxConnections: poolSize),
                ldapBase: ldapBase, concurrency: concurrency, seconds: seconds, warmup: warmup, limit: limit
            ).run()
        }
    }
}
