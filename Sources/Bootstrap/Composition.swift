import Adapters
import Application
import Domain
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// The composition root: the only place that knows which adapter serves which port.
enum Composition {
    typealias App = Hummingbird.Application<RouterResponder<AppRequestContext>>

    /// The state store chosen by configuration: PostgreSQL when DATABASE_URL is set, else embedded.
    enum Store: Sendable {
        case postgres(PostgresDatabase)
        case embedded(SQLiteDatabase)

        var probe: any HealthProbe {
            switch self {
            case .postgres(let database): database
            case .embedded(let database): database
            }
        }

        /// Long-running parts that must be in the ServiceGroup (the PostgreSQL pool).
        var services: [any Service] {
            switch self {
            case .postgres(let database): [database.client]
            case .embedded(let database): [database]
            }
        }

        func tokenStore(logger: Logger) -> any TokenStore {
            switch self {
            case .postgres(let database): PostgresTokenStore(database: database, logger: logger)
            case .embedded(let database): SQLiteTokenStore(database: database, logger: logger)
            }
        }

        func deliveryJournal(logger: Logger) -> any DeliveryJournal {
            switch self {
            case .postgres(let database): PostgresDeliveryJournal(database: database, logger: logger)
            case .embedded(let database): SQLiteDeliveryJournal(database: database, logger: logger)
            }
        }

        func migrate() async throws {
            switch self {
            case .postgres(let database): try await database.migrate()
            case .embedded(let database): try await database.open()
            }
        }
    }

    static func store(_ settings: Settings, logger: Logger) throws -> Store {
        switch settings.database {
        case .postgres(let url): .postgres(try PostgresDatabase(url: url, logger: logger))
        case .embedded(let directory): .embedded(SQLiteDatabase(directory: directory, logger: logger))
        }
    }

    static func ldapClient(_ settings: Settings) -> LDAPClient {
        LDAPClient(configuration: .init(
            url: settings.ldap.url, bindDN: settings.ldap.adminDN, password: settings.ldap.password,
            maxConnections: settings.ldap.poolSize, connectTimeout: settings.ldap.timeout,
            operationTimeout: settings.ldap.timeout, checkoutTimeout: settings.ldap.timeout
        ))
    }

    static func authDependencies(settings: Settings, ldap: LDAPClient, store: Store, clock: any WallClock, logger: Logger) async -> AuthDependencies {
        let policy = AuthPolicy(accessTokenLifetime: TimeInterval(settings.tokenExpiry), refreshTokenLifetime: TimeInterval(settings.refreshExpiry))
        let tokens = store.tokenStore(logger: logger)
        return AuthDependencies(
            directory: LDAPDSADirectory(client: ldap, dsaBase: settings.ldap.dsaBase),
            store: tokens,
            codec: await JWTKitAccessTokenCodec(secret: settings.secretKey, skew: policy.clockSkew),
            crypto: CryptoTokenCrypto(),
            clock: clock,
            log: LoggingSecurityEventLog(logger: logger),
            throttle: LoginThrottle(),
            revocations: RevocationCache(store: tokens, retention: policy.accessTokenLifetime + policy.clockSkew + 5),
            policy: policy
        )
    }

    /// The router with every route, and the auth dependencies the application's services share.
    static func makeRouter(settings: Settings, store: Store, clock: any WallClock = SystemWallClock(), logger: Logger) async throws -> (router: Router<AppRequestContext>, auth: AuthDependencies) {
        let ldap = ldapClient(settings)
        let readiness = CheckReadiness(probes: [LDAPDirectoryHealth(client: ldap, baseDN: settings.ldap.base), store.probe])
        let auth = await authDependencies(settings: settings, ldap: ldap, store: store, clock: clock, logger: logger)

        let router = Router(context: AppRequestContext.self)
        router.middlewares.add(RequestIDMiddleware())
        router.middlewares.add(JSONErrorMiddleware())
        HealthRoutes(readiness: readiness).register(on: router)
        AuthRoutes(auth: auth).register(on: router)
        SessionRoutes(auth: auth).register(on: router)
        let directory = LDAPTaskDirectory(client: ldap, base: settings.ldap.base)
        let directorySettings = DirectorySettings(directory: directory, clock: clock, ttl: TimeInterval(settings.configTTL))
        TaskRoutes(tasks: ListTasks(directory: directory, settings: directorySettings, clock: clock), auth: auth, clock: clock).register(on: router)
        RunRoutes(mail: try runMailTasks(settings: settings, ldap: ldap, directory: directory, store: store, clock: clock, logger: logger), auth: auth)
            .register(on: router)
        OpenAPIRoutes().register(on: router)
        return (router, auth)
    }

    static func smtpSettings(_ settings: Settings) -> SMTPSettings {
        let security: SMTPSettings.Security = switch settings.mail.security {
        case .none: .none
        case .ssl: .implicitTLS
        case .tls: .startTLS
        }
        return SMTPSettings(
            host: settings.mail.host, port: settings.mail.port, security: security,
            verifyCertificates: settings.mail.verifyCertificates, caFile: settings.mail.caFile,
            user: settings.mail.authenticate ? settings.mail.user : nil,
            password: settings.mail.authenticate ? settings.mail.password : nil
        )
    }

    static func runMailTasks(settings: Settings, ldap: LDAPClient, directory: any TaskDirectory, store: Store, clock: any WallClock, logger: Logger) throws -> RunMailTasks {
        RunMailTasks(.init(
            directory: directory,
            templates: try LDAPMailTemplates(client: ldap, base: settings.ldap.base),
            updates: try LDAPTaskUpdates(client: ldap, base: settings.ldap.base),
            journal: store.deliveryJournal(logger: logger),
            transport: CurlMailTransport(settings: smtpSettings(settings)),
            crypto: CryptoTokenCrypto(),
            clock: clock,
            lease: TimeInterval(settings.mailLease)
        ))
    }

    /// The HTTP application. Migrations run before the server accepts requests.
    static func makeApplication(settings: Settings, store: Store, clock: any WallClock = SystemWallClock(), logger: Logger) async throws -> App {
        let (router, auth) = try await makeRouter(settings: settings, store: store, clock: clock, logger: logger)
        let migrated = StartupGate()
        var app = App(
            router: router,
            configuration: .init(address: .hostname(settings.listenHost, port: settings.listenPort), serverName: "fusiondirectory-orchestrator"),
            services: store.services + [RevocationPoller(cache: auth.revocations, store: auth.store, clock: clock, logger: logger, gate: migrated)],
            logger: logger
        )
        app.beforeServerStarts {
            try await store.migrate()
            await migrated.open()
        }
        return app
    }
}
