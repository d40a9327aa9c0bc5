/// One versioned schema change of the state store. Versions only grow; an applied migration is
/// never edited, a new one is added instead.
public struct StoreMigration: Sendable {
    public let version: Int
    public let name: String
    public let statements: [String]

    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

extension StoreMigration {
    /// The PostgreSQL schema, in order.
    public static let postgres: [StoreMigration] = [
        StoreMigration(version: 1, name: "service_instances", statements: [
            // Which service processes have used this store: lets an operator see the replicas.
            """
            CREATE TABLE service_instances (
                instance_id text PRIMARY KEY,
                hostname text NOT NULL,
                started_at timestamptz NOT NULL,
                last_seen_at timestamptz NOT NULL
            )
            """,
        ]),
    ]

    /// The embedded (SQLite) schema, in order; same versions and meaning as `postgres`.
    public static let embedded: [StoreMigration] = [
        StoreMigration(version: 1, name: "service_instances", statements: [
            """
            CREATE TABLE service_instances (
                instance_id TEXT PRIMARY KEY,
                hostname TEXT NOT NULL,
                started_at INTEGER NOT NULL,
                last_seen_at INTEGER NOT NULL
            )
            """,
        ]),
    ]
}
