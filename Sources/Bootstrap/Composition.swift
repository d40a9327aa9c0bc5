import AdapterSupport
import Application
import ArchiveAdapter
import AuthCryptoAdapter
import Domain
import Foundation
import FusionDirectoryRESTAdapter
import HTTPAdapter
import Hummingbird
import LDAPAdapter
import LoggingAdapter
import Logging
import MetricsAdapter
import ServiceLifecycle
import SMTPAdapter
import StateStoreAdapter

/// The composition root: the only place that knows which adapter serves which port.
enum Composition {
    typealias App = Hummingbird.Application<RouterResponder<AppRequestContext>>
    /// The state store chosen by configuration: PostgreSQL when DATABASE_URL is set, else embedded.
    typealias Store = any RunningStateStore

    static func store(_ settings: Settings, logger: Logger) throws -> Store {
        switch settings.database {
        case .postgres(let url, let timeout): PostgresStateStore(database: try PostgresDatabase(url: url, timeout: timeout, logger: logger), logger: logger)
        case .embedded(let directory): EmbeddedStateStore(database: SQLiteDatabase(directory: directory, logger: logger), logger: logger)
        }
    }

    static func ldapClient(_ settings: Settings) -> LDAPClient {
        LDAPClient(configuration: .init(
            url: settings.ldap.url, bindDN: settings.ldap.adminDN, password: settings.ldap.password,
            maxConnections: settings.ldap.poolSize, connectTimeout: settings.ldap.timeout,
            operationTimeout: settings.ldap.timeout, checkoutTimeout: settings.ldap.poolWait, maxWaiting: settings.ldap.poolQueue,
            security: LDAPTransportSecurity(startTLS: settings.ldap.startTLS, caFile: settings.ldap.caFile)
        ))
    }

    static func authDependencies(
        settings: Settings, ldap: LDAPClient, store: Store, clock: any WallClock, metrics: any OperationMetrics = NoOperationMetrics(), logger: Logger
    ) async -> AuthDependencies {
        let policy = AuthPolicy(
            accessTokenLifetime: TimeInterval(settings.tokenExpiry), refreshTokenLifetime: TimeInterval(settings.refreshExpiry),
            refreshFamilyMaxLifetime: settings.refreshMaxLifetime.map(TimeInterval.init),
            accountRecheckInterval: TimeInterval(settings.accountRecheckSeconds), adminDSAs: settings.adminDSAs
        )
        return AuthDependencies(
            directory: LDAPDSADirectory(client: ldap, dsaBase: settings.ldap.dsaBase),
            store: store.tokens,
            codec: await JWTKitAccessTokenCodec(secret: settings.secretKey, skew: policy.clockSkew),
            crypto: CryptoTokenCrypto(),
            fingerprinter: HMACPasswordFingerprinter(secret: settings.secretKey),
            clock: clock,
            log: LoggingSecurityEventLog(logger: logger),
            throttle: LoginThrottle(policy: settings.loginThrottle),
            revocations: RevocationCache(store: store.tokens, retention: policy.accessTokenLifetime + policy.clockSkew + 5),
            policy: policy, metrics: metrics
        )
    }

    static func smtpSettings(_ settings: Settings) -> SMTPSettings {
        let security: SMTPSettings.Security = switch settings.mail.security {
        case .none: .none
        case .ssl: .implicitTLS
        case .tls: .startTLS
        case .opportunistic: .opportunisticStartTLS
        }
        return SMTPSettings(
            host: settings.mail.host, port: settings.mail.port, security: security,
            verifyCertificates: settings.mail.verifyCertificates, caFile: settings.mail.caFile,
            user: settings.mail.authenticate ? settings.mail.user : nil,
            password: settings.mail.authenticate ? settings.mail.password : nil,
            connectTimeout: settings.mail.connectTimeout, messageTimeout: settings.mail.messageTimeout
        )
    }

    /// FusionDirectory's REST API: the AsyncHTTPClient adapter when FUSION_DIRECTORY_API_URL is
    /// set, else one that throws `.notConfigured` without calling anything. Every call makes a new
    /// adapter with its own HTTP client; the service's is made by `makeApplication`, which shuts
    /// it down with the service group and hands it to `useCases`.
    static func fusionDirectory(_ settings: Settings, logger: Logger = Logger(label: "fusiondirectory-rest")) -> any FusionDirectoryAPI {
        guard let api = settings.fusionDirectory else { return UnconfiguredFusionDirectoryAPI() }
        return AsyncHTTPFusionDirectoryAPI(
            settings: FusionDirectoryRESTSettings(
                baseURL: api.url.absoluteString, login: api.login, password: api.password, timeout: api.timeout, caFile: api.caFile
            ),
            logger: logger
        )
    }

    /// What shuts the FD adapter's HTTP client down when the service group stops (nothing for
    /// the unconfigured one).
    static func services(closing fusionDirectory: any FusionDirectoryAPI) -> [any Service] {
        guard let api = fusionDirectory as? AsyncHTTPFusionDirectoryAPI else { return [] }
        return [CloseOnShutdown { await api.shutdown() }]
    }

    /// Every use case, built once; HTTP, the CLI and the scheduler hold this, never ports.
    /// `fusionDirectory` is for the kinds that make FD run its own logic (Life Cycle, cyclic
    /// activation); its owner shuts it down.
    static func useCases(
        settings: Settings, store: Store, clock: any WallClock = SystemWallClock(), shutdown: any ShutdownSignal = NeverShuttingDown(),
        fusionDirectory: any FusionDirectoryAPI = UnconfiguredFusionDirectoryAPI(), metrics: any OperationMetrics = NoOperationMetrics(), logger: Logger
    ) async throws -> UseCases {
        let ldap = ldapClient(settings)
        let directory = LDAPTaskDirectory(client: ldap, base: settings.ldap.base)
        let updates = try LDAPTaskUpdates(client: ldap, base: settings.ldap.base)
        let directorySettings = DirectorySettings(directory: directory, clock: clock, ttl: TimeInterval(settings.configTTL))
        let counts = TaskCounts(directory: directory, settings: directorySettings, clock: clock, ttl: TimeInterval(settings.listingTTL))
        let writes = CountedTaskWrites(statuses: updates, remover: updates, counts: counts)
        let crypto = CryptoTokenCrypto()
        // Runs stop claiming at shutdown, and a scheduled run also when its replica lost the lease.
        let shutdown = RunStopSignal(shutdown: shutdown)
        let engine = RunEngine(.init(
            directory: directory, statuses: writes, remover: writes, journal: store.work, history: store.history, clock: clock, ids: crypto,
            shutdown: shutdown, lease: TimeInterval(settings.mailLease), batchSize: settings.runBatchSize,
            stopAfterUnreachable: settings.runStopAfterUnreachable, retry: settings.retry
        ))
        let templates = try LDAPMailTemplates(client: ldap, base: settings.ldap.base)
        let transport = CurlMailTransport(settings: smtpSettings(settings))
        // One pace for every run and kind that mails, in this process.
        let pacer = MailPacer(ratePerMinute: settings.mail.ratePerMinute)
        let mail = MailRun(.init(templates: templates, transport: transport, stamp: updates, crypto: crypto, clock: clock, pacer: pacer))
        let delivery = MailDelivery(transport: transport, stamp: updates, crypto: crypto, clock: clock, pacer: pacer)
        let notifications = NotificationsRun(.init(directory: directory, templates: templates, events: LDAPAuditEventLookup(client: ldap), delivery: delivery))
        let reminder = ReminderRun(.init(
            directory: directory, templates: templates, accounts: LDAPUserAccounts(client: ldap),
            tokens: try LDAPProlongationTokens(client: ldap, base: settings.ldap.base), signer: CryptoReminderTokenSigner(key: settings.reminderTokenKey),
            delivery: delivery,
            links: settings.prolongationByOrchestrator
                ? .orchestrator(baseURL: settings.prolongationBaseURL ?? "", grants: store.grants)
                : .fusionDirectory(baseURL: settings.prolongationBaseURL)
        ))
        let prolongation = ProlongAccount(.init(
            directory: directory, accounts: LDAPUserAccounts(client: ldap), writer: LDAPAccountProlongations(client: ldap), grants: store.grants,
            fusionDirectory: fusionDirectory, crypto: crypto, clock: clock
        ))
        let lifeCycle = LifeCycleRun(.init(
            directory: directory, accounts: LDAPSupannAccounts(client: ldap), fusionDirectory: fusionDirectory,
            refreshAttempts: settings.lifeCycleRefreshAttempts
        ))
        let activation = ActivateCyclicTasks(.init(
            directory: directory, journal: store.work, history: store.history, fusionDirectory: fusionDirectory, clock: clock, ids: crypto,
            lease: TimeInterval(settings.mailLease)
        ))
        let progress = LoggingRunProgressLog(logger: logger)
        let audit = AuditRetentionRun(.init(
            directory: directory, events: LDAPAuditEvents(client: ldap, base: settings.ldap.base), statuses: writes,
            archive: settings.auditArchiveDirectory.map { FileAuditArchive(directory: $0) }, history: store.history, clock: clock, ids: crypto,
            shutdown: shutdown, log: progress
        ))
        let removal = RemoveCompletedSubTasks(.init(
            subTasks: LDAPCompletedSubTasks(client: ldap, base: settings.ldap.base), history: store.history, clock: clock, ids: crypto,
            shutdown: shutdown, log: progress
        ))
        return UseCases(
            auth: await authDependencies(settings: settings, ldap: ldap, store: store, clock: clock, metrics: metrics, logger: logger),
            readiness: CheckReadiness(probes: [LDAPDirectoryHealth(client: ldap, baseDN: settings.ldap.base), store.probe]),
            tasks: ListTasks(directory: directory, settings: directorySettings, counts: counts, clock: clock),
            runs: RunTasks(engine: engine, kinds: [mail, lifeCycle, notifications, reminder], activation: activation, operations: [audit, removal], counts: counts,
                metrics: metrics
            ),
            records: RunRecords(history: store.history, clock: clock, retention: TimeInterval(settings.runRetentionDays) * 86_400),
            prolongation: settings.prolongationByOrchestrator ? prolongation : nil,
            status: StatusOverview(.init(history: store.history, journal: store.work, directory: directory, settings: directorySettings, clock: clock)),
            directorySettings: directorySettings,
            clock: clock,
            metrics: metrics
        )
    }

    /// The built-in scheduler when a SCHEDULE_* setting is made: it runs the same `RunTasks` as
    /// HTTP and the CLI, with leases and slots in the state store shared by the replicas.
    static func scheduler(settings: Settings, store: Store, useCases: UseCases, logger: Logger) -> Scheduler? {
        guard !settings.schedules.isEmpty else { return nil }
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let owner = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(suffix)"
        return Scheduler(
            entries: settings.schedules, owner: owner, leaseDuration: TimeInterval(settings.schedulerLease),
            .init(
                leases: store.leases, slots: store.slots, runs: useCases.runs, settings: useCases.directorySettings, clock: useCases.clock,
                log: LoggingSchedulerLog(logger: logger), metrics: useCases.metrics
            )
        )
    }

    /// The router with every route.
    static func makeRouter(
        _ useCases: UseCases, prefixes: APIPrefixes = .defaults, trustedProxies: TrustedProxies = .none, listingGate: ListingGate = ListingGate(width: 2),
        scheduler: Scheduler? = nil, countRequests: Bool = false, metricsPage: PrometheusMetrics? = nil
    ) throws -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        // Outermost, so it sees the status JSONErrorMiddleware made of an error.
        if countRequests { router.middlewares.add(MetricsMiddleware()) }
        router.middlewares.add(RequestIDMiddleware())
        router.middlewares.add(ClientAddressMiddleware(trusted: trustedProxies))
        router.middlewares.add(JSONErrorMiddleware())
        HealthRoutes(readiness: useCases.readiness, scheduler: scheduler).register(on: router)
        let api = APIRouter(router, prefixes: prefixes)
        AuthRoutes(auth: useCases.auth).register(on: api)
        SessionRoutes(auth: useCases.auth).register(on: api)
        TaskRoutes(tasks: useCases.tasks, auth: useCases.auth, clock: useCases.clock, gate: listingGate).register(on: api)
        RunRoutes(runs: useCases.runs, records: useCases.records, auth: useCases.auth).register(on: api)
        if let prolongation = useCases.prolongation { ProlongationRoutes(prolongation: prolongation).register(on: api) }
        OpenAPIRoutes(document: try OpenAPIDocument.load()).register(on: api)
        StatusPageRoutes(overview: useCases.status, runs: useCases.runs, auth: useCases.auth).register(on: api)
        if let metricsPage { metricsRoutes(metricsPage).register(on: router) }
        return router
    }

    static func metricsRoutes(_ metrics: PrometheusMetrics) -> MetricsRoutes {
        MetricsRoutes(contentType: PrometheusMetrics.contentType) { metrics.render() }
    }

    /// With METRICS_LISTEN: a second small HTTP server that serves only `/metrics`, registered
    /// beside the main application in the process's service group.
    static func metricsApplication(settings: Settings, metrics: PrometheusMetrics, logger: Logger) -> (any Service)? {
        guard case .ownListener(let host, let port) = settings.metrics else { return nil }
        let router = Router(context: AppRequestContext.self)
        router.middlewares.add(RequestIDMiddleware())
        router.middlewares.add(JSONErrorMiddleware())
        metricsRoutes(metrics).register(on: router)
        return Application(
            router: router, server: .guardedHTTP1(settings.httpLimits),
            configuration: .init(address: .hostname(host, port: port), serverName: "fusiondirectory-orchestrator-metrics"),
            logger: logger
        )
    }

    /// Large listings built at once: one per core (at least 2), never more than the LDAP pool
    /// serves; they wait as long, and behind as many, as requests wait for the pool.
    static func listingGate(_ settings: Settings) -> ListingGate {
        ListingGate(
            width: min(settings.ldap.poolSize, max(2, ProcessInfo.processInfo.activeProcessorCount)),
            maxWaiting: settings.ldap.poolQueue, maxWait: settings.ldap.poolWait
        )
    }

    /// The HTTP application and its long-running companions. Migrations run before the server
    /// accepts requests. `shutdown` is set by a `ShutdownWatcher` that the caller runs after the
    /// application in its service group, so runs stop claiming before the server waits for them.
    static func makeApplication(
        settings: Settings, store: Store, clock: any WallClock = SystemWallClock(), shutdown: ShutdownFlag = ShutdownFlag(),
        metrics: PrometheusMetrics = PrometheusMetrics(), logger: Logger
    ) async throws -> App {
        let fusionDirectory = fusionDirectory(settings, logger: logger)
        // swift-metrics' API: what `metrics` shows once `serve` made it the backend (no-op before).
        let operationMetrics: any OperationMetrics = settings.metrics == .off ? NoOperationMetrics() : SwiftMetricsOperationMetrics()
        let useCases = try await useCases(
            settings: settings, store: store, clock: clock, shutdown: shutdown, fusionDirectory: fusionDirectory, metrics: operationMetrics, logger: logger
        )
        let migrated = StartupGate()
        let scheduler = scheduler(settings: settings, store: store, useCases: useCases, logger: logger)
        var app = App(
            router: try makeRouter(
                useCases, prefixes: settings.apiPrefixes, trustedProxies: settings.trustedProxies, listingGate: listingGate(settings),
                scheduler: scheduler, countRequests: settings.metrics != .off, metricsPage: settings.metrics == .mainListener ? metrics : nil
            ),
            server: .guardedHTTP1(settings.httpLimits),
            configuration: .init(
                address: .hostname(settings.listenHost, port: settings.listenPort), serverName: "fusiondirectory-orchestrator",
                availableConnectionsDelegate: settings.httpLimits.availableConnections(logger: logger)
            ),
            // Stopped in reverse order, after the server: runs in flight can still reach FD.
            services: store.services + services(closing: fusionDirectory) + [
                RevocationPoller(cache: useCases.auth.revocations, store: useCases.auth.store, clock: clock, logger: logger, gate: migrated),
                RunHistoryPurger(records: useCases.records, gate: migrated, logger: logger),
            ] + (scheduler.map { [SchedulerService(scheduler: $0, gate: migrated)] } ?? []),
            logger: logger
        )
        app.beforeServerStarts {
            try await store.migrate()
            await migrated.open()
        }
        return app
    }
}

/// The use cases of the service, built once by `Composition.useCases`.
struct UseCases: Sendable {
    let auth: AuthDependencies
    let readiness: CheckReadiness
    let tasks: ListTasks
    let runs: RunTasks
    let records: RunRecords
    /// The prolongation page, in PROLONGATION_MODE=orchestrator only.
    let prolongation: ProlongAccount?
    /// What the status page (/ui) shows.
    let status: StatusOverview
    /// The FD configuration cache (the scheduler reads fdTimezone from it).
    let directorySettings: DirectorySettings
    let clock: any WallClock
    /// What the scheduler reports its leadership to.
    let metrics: any OperationMetrics
}
