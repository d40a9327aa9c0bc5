import ArgumentParser
import Foundation

/// Benchmarks that print figures (not timed tests). `scripts/bench` starts what they need.
@main
struct BenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orchestrator-bench",
        abstract: "Measure the running service and print figures.",
        subcommands: [Auth.self]
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
}
