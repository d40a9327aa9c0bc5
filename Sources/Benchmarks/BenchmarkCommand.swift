import ArgumentParser
import Foundation
import Domain
import LDAPAdapter

/// Benchmarks that print figures (not timed tests). `scripts/bench` starts what they need.
@main
struct BenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orchestrator-bench",
        abstract: "Measure the running service and print figures.",
        subcommands: [Auth.self, Tasks.self, Attributes.self, LoadAudit.self, LoadRemoval.self, Bare.self, Patch.self]
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

    /// The attributes the listings ask for, so the bare client of `scripts/bench tasks` asks for the same.
    struct Attributes: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Prints the attributes each listing search requests (main, sub, count).")
        @Argument(help: "main, sub or count") var search: String

        func run() throws {
            let attributes = switch search {
            case "main": LDAPTaskDirectory.mainTaskAttributes
            case "sub": LDAPTaskDirectory.subTaskAttributes
            case "count": SubTaskState.attributes
            default: throw ValidationError("main, sub or count")
            }
            print(attributes.joined(separator: ","))
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

    /// Where the data goes and the bare client reads (the service's directory).
    struct Directory: ParsableArguments {
        @Option var ldapUrl: String
        @Option var ldapBase = "dc=example,dc=org"
        @Option var ldapAdmin = "cn=admin,dc=example,dc=org"
        @Option var ldapPassword: String

        func client(connections: Int) -> LDAPClient {
            LDAPClient(configuration: .init(url: ldapUrl, bindDN: ldapAdmin, password: ldapPassword, maxConnections: connections))
        }
    }

    struct LoadAudit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "load-audit", abstract: "Adds audit events, some older than the retention.")
        @OptionGroup var directory: Directory
        @Option var old: Int
        @Option var young: Int
        @Option var retentionDays = 30

        func run() async throws {
            try await BulkDeleteBenchmark.loadEvents(
                ldap: directory.client(connections: 4), base: directory.ldapBase, old: old, young: young, retentionDays: retentionDays, concurrency: 8
            )
        }
    }

    struct LoadRemoval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "load-removal", abstract: "Adds completed (and a few scheduled) sub-tasks.")
        @OptionGroup var directory: Directory
        @Option var completed = 10_000
        @Option var kept = 100

        func run() async throws {
            try await BulkDeleteBenchmark.loadSubTasks(
                ldap: directory.client(connections: 4), base: directory.ldapBase, completed: completed, kept: kept, concurrency: 8
            )
        }
    }

    struct Bare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The minimal client: the same paged search (DNs only) and one delete after the other.")
        @OptionGroup var directory: Directory
        @Argument(help: "audit or removeSubTasks") var operation: String
        @Option var retentionDays = 30

        func run() async throws {
            let filter = operation == "audit" ? BulkDeleteBenchmark.oldEvents(retentionDays: retentionDays) : BulkDeleteBenchmark.completedSubTasks
            try await BulkDeleteBenchmark.bare(
                search: directory.client(connections: 1), deletes: directory.client(connections: 1), base: directory.ldapBase, filter: filter
            )
        }
    }

    struct Patch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Times one PATCH /api/tasks/<operation> of the running service.")
        @Option var url = "http://127.0.0.1:8089"
        @Option var username = "orchestrator"
        @Option var password = "orchestrator-pass"
        @Argument var operation: String

        func run() async throws {
            try await BulkDeleteBenchmark.patch(url: url, username: username, password: password, operation: operation)
        }
    }
}
