import Application
import Logging
import ServiceLifecycle

/// A state store with the long-running parts the service group must run (the PostgreSQL pool,
/// the embedded connection's closer).
public protocol RunningStateStore: StateStore {
    var services: [any Service] { get }
}

/// PostgreSQL, shared by every replica (DATABASE_URL set).
public struct PostgresStateStore: RunningStateStore {
    public let database: PostgresDatabase
    public let tokens: any TokenStore
    public let work: any WorkJournal
    public let history: any RunHistory
    public let grants: any ProlongationGrants
    public let leases: any LeaderLeases
    public let slots: any ScheduleSlots

    public init(database: PostgresDatabase, logger: Logger) {
        self.database = database
        tokens = PostgresTokenStore(database: database, logger: logger)
        work = PostgresWorkJournal(database: database, logger: logger)
        history = PostgresRunHistory(database: database, logger: logger)
        grants = PostgresProlongationGrants(database: database, logger: logger)
        leases = PostgresLeaderLeases(database: database, logger: logger)
        slots = PostgresScheduleSlots(database: database, logger: logger)
    }

    public var probe: any HealthProbe { database }
    public var services: [any Service] { [database.client] }
    public func migrate() async throws { try await database.migrate() }
}

/// The embedded SQLite store of one process (no DATABASE_URL).
public struct EmbeddedStateStore: RunningStateStore {
    public let database: SQLiteDatabase
    public let tokens: any TokenStore
    public let work: any WorkJournal
    public let history: any RunHistory
    public let grants: any ProlongationGrants
    public let leases: any LeaderLeases
    public let slots: any ScheduleSlots

    public init(database: SQLiteDatabase, logger: Logger) {
        self.database = database
        tokens = SQLiteTokenStore(database: database, logger: logger)
        work = SQLiteWorkJournal(database: database, logger: logger)
        history = SQLiteRunHistory(database: database)
        grants = SQLiteProlongationGrants(database: database)
        leases = SQLiteLeaderLeases(database: database)
        slots = SQLiteScheduleSlots(database: database)
    }

    public var probe: any HealthProbe { database }
    public var services: [any Service] { [database] }
    public func migrate() async throws { try await database.open() }
}
