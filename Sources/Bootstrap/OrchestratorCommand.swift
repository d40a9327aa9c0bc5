import AdapterSupport
import StateStoreAdapter
import LoggingAdapter
import HTTPAdapter
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import MetricsAdapter
import ServiceLifecycle

@main
struct OrchestratorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fusiondirectory-orchestrator",
        abstract: "Runs FusionDirectory workflow tasks stored in LDAP, behind a JWT-protected REST API.",
        subcommands: [Serve.self, Migrate.self, CheckConfig.self],
        defaultSubcommand: Serve.self
    )
}

struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "dotenv configuration file (default: \(Settings.defaultConfigFile) when it exists); its values override the environment")
    var config: String?

    /// Loads and validates the configuration, or ends the process with one line naming the key.
    func settings() -> Settings {
        do {
            return try Settings.load(environment: ProcessInfo.processInfo.environment, configFile: config)
        } catch {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            Foundation.exit(78)  // EX_CONFIG
        }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the REST API.")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        // Before the server's threads start allocating.
        MemoryTuning.limitMallocArenas()
        let settings = options.settings()
        let logger = LogSetup.makeLogger(settings: settings)
        for warning in settings.startupWarnings() { logger.warning("\(warning)") }
        // One process per embedded state directory, held until the process ends.
        let directoryLock: EmbeddedStoreLock?
        if case .embedded(let directory) = settings.database {
            do {
                directoryLock = try EmbeddedStoreLock(directory: directory)
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                Foundation.exit(73)  // EX_CANTCREAT
            }
        } else {
            directoryLock = nil
        }
        defer { withExtendedLifetime(directoryLock) {} }
        let store = try Composition.store(settings, logger: logger)
        let shutdown = ShutdownFlag()
        // The one process-wide swift-metrics backend (a process may bootstrap it once): the
        // registry `/metrics` renders. Tests that build applications in-process never do.
        let metrics = PrometheusMetrics()
        if settings.metrics != .off { metrics.bootstrap() }
        let app = try await Composition.makeApplication(settings: settings, store: store, shutdown: shutdown, metrics: metrics, logger: logger)
        // Services shut down in reverse order: the watcher first, so a run in flight stops claiming
        // and the server's wait for in-flight requests is short; the metrics listener after the
        // main one, so the last scrape still sees the end.
        let metricsServer = Composition.metricsApplication(settings: settings, metrics: metrics, logger: logger)
        var configuration = ServiceGroupConfiguration(
            services: (metricsServer.map { [ServiceGroupConfiguration.ServiceConfiguration(service: $0)] } ?? []) + [
                .init(service: app), .init(service: ShutdownWatcher(flag: shutdown), successTerminationBehavior: .ignore),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
        )
        // A run in flight stops claiming at once; what it is applying gets this long to finish.
        configuration.maximumGracefulShutdownDuration = .seconds(settings.shutdownTimeout)
        let group = ServiceGroup(configuration: configuration)
        var metadata: Logger.Metadata = ["listen": "\(settings.listenHost):\(settings.listenPort)", "ldap": "\(settings.ldap.url)"]
        if case .ownListener(let host, let port) = settings.metrics { metadata["metrics"] = "\(host):\(port)" }
        logger.info("starting", metadata: metadata)
        try await group.run()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending migrations of the state store and exit (serve also applies them at start).")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let settings = options.settings()
        let logger = LogSetup.makeLogger(settings: settings)
        switch try Composition.store(settings, logger: logger) {
        case let store as PostgresStateStore:
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { await store.database.client.run() }
                try await store.migrate()
                print("migrations applied: \(try await store.database.appliedMigrations())")
                group.cancelAll()
            }
        case let store as EmbeddedStateStore:
            try await store.migrate()
            print("migrations applied: \(try await store.database.appliedMigrations()) (\(store.database.path))")
        default:
            break
        }
    }
}

struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config", abstract: "Validate the configuration and exit.")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let settings = options.settings()
        print("configuration ok: LDAP \(settings.ldap.url), base \(settings.ldap.base), listen \(settings.listenHost):\(settings.listenPort)")
    }
}

enum LogSetup {
    static func makeLogger(settings: Settings) -> Logger {
        let level = Logger.Level(rawValue: settings.logLevel) ?? .info
        let json = settings.logFormat == "json"
        // Every line written during a run carries its operation and run id.
        LoggingSystem.bootstrap({ label, provider in
            var handler: any LogHandler = json
                ? JSONLogHandler(label: label, metadataProvider: provider)
                : StreamLogHandler.standardError(label: label, metadataProvider: provider)
            handler.logLevel = level
            return handler
        }, metadataProvider: .runContext)
        var logger = Logger(label: "orchestrator")
        logger.logLevel = level
        return logger
    }
}
