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
            case .embedded: []
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

    /// The HTTP application. Migrations run before the server accepts requests.
    static func makeApplication(settings: Settings, store: Store? = nil, logger: Logger) -> App {
        let ldap = ldapClient(settings)
        var probes: [any HealthProbe] = [LDAPDirectoryHealth(client: ldap, baseDN: settings.ldap.base)]
        if let store { probes.append(store.probe) }
        let readiness = CheckReadiness(probes: probes)

        let router = Router(context: AppRequestContext.self)
        router.middlewares.add(RequestIDMiddleware())
        router.middlewares.add(JSONErrorMiddleware())
        HealthRoutes(readiness: readiness).register(on: router)

        var app = App(
            router: router,
            configuration: .init(address: .hostname(settings.listenHost, port: settings.listenPort), serverName: "fusiondirectory-orchestrator"),
            services: store?.services ?? [],
            logger: logger
        )
        if let store {
            app.beforeServerStarts { try await store.migrate() }
        }
        return app
    }
}
