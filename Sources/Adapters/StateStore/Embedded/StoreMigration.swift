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
        // Refresh-token families (one per login) and their tokens, stored only as hashes.
        // IF NOT EXISTS: a store whose `schema_migrations` was dropped re-applies cleanly.
        StoreMigration(version: 2, name: "refresh_tokens", statements: [
            """
            CREATE TABLE IF NOT EXISTS token_families (
                family_id text PRIMARY KEY,
                subject text NOT NULL,
                created_at timestamptz NOT NULL,
                expires_at timestamptz NOT NULL,
                revoked_at timestamptz
            )
            """,
            "CREATE INDEX IF NOT EXISTS token_families_revoked_at ON token_families (revoked_at)",
            "CREATE INDEX IF NOT EXISTS token_families_expires_at ON token_families (expires_at)",
            """
            CREATE TABLE IF NOT EXISTS refresh_tokens (
                token_hash text PRIMARY KEY,
                family_id text NOT NULL REFERENCES token_families (family_id) ON DELETE CASCADE,
                parent_hash text,
                created_at timestamptz NOT NULL,
                used_at timestamptz,
                expires_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX IF NOT EXISTS refresh_tokens_family_id ON refresh_tokens (family_id)",
            "CREATE INDEX IF NOT EXISTS refresh_tokens_expires_at ON refresh_tokens (expires_at)",
        ]),
        // The mail delivery journal (PostgresDeliveryJournal): one row per recipient of a
        // sub-task. `state` is claimed | released | sending | sent | done | failed; `released`
        // (claimable again after a transient failure) is internal to the adapters.
        StoreMigration(version: 3, name: "mail_deliveries", statements: [
            """
            CREATE TABLE IF NOT EXISTS mail_deliveries (
                sub_task_dn text NOT NULL,
                recipient text NOT NULL,
                state text NOT NULL,
                owner text,
                lease_expires_at timestamptz,
                attempts integer NOT NULL DEFAULT 0,
                detail text,
                updated_at timestamptz NOT NULL,
                PRIMARY KEY (sub_task_dn, recipient)
            )
            """,
            "CREATE INDEX IF NOT EXISTS mail_deliveries_state ON mail_deliveries (state)",
        ]),
        // Kind-neutral work items (PostgresWorkJournal) replace the mail deliveries: every row
        // is carried over (sending → applying, sent → applied) before the old table goes. Plus
        // the run history (PostgresRunHistory).
        StoreMigration(version: 4, name: "work_items_and_runs", statements: [
            """
            CREATE TABLE IF NOT EXISTS work_items (
                operation text NOT NULL,
                sub_task_dn text NOT NULL,
                target text NOT NULL,
                state text NOT NULL,
                owner text,
                lease_expires_at timestamptz,
                attempts integer NOT NULL DEFAULT 0,
                generation integer NOT NULL DEFAULT 0,
                detail text,
                updated_at timestamptz NOT NULL,
                PRIMARY KEY (operation, sub_task_dn, target)
            )
            """,
            "CREATE INDEX IF NOT EXISTS work_items_owner ON work_items (owner) WHERE state IN ('claimed', 'applying')",
            """
            INSERT INTO work_items (operation, sub_task_dn, target, state, owner, lease_expires_at, attempts, generation, detail, updated_at)
            SELECT 'mail', sub_task_dn, recipient,
                   CASE state WHEN 'sending' THEN 'applying' WHEN 'sent' THEN 'applied' ELSE state END,
                   owner, lease_expires_at, attempts, 0, detail, updated_at
            FROM mail_deliveries WHERE true
            ON CONFLICT DO NOTHING
            """,
            "DROP TABLE mail_deliveries",
            """
            CREATE TABLE IF NOT EXISTS runs (
                run_id text PRIMARY KEY,
                operation text NOT NULL,
                started_at timestamptz NOT NULL,
                ended_at timestamptz NOT NULL,
                header text NOT NULL,
                items text NOT NULL
            )
            """,
            "CREATE INDEX IF NOT EXISTS runs_started ON runs (started_at DESC, run_id DESC)",
            "CREATE INDEX IF NOT EXISTS runs_ended ON runs (ended_at)",
        ]),
        // The checkpoint of multi-step effects (Life Cycle: rewritten, then FD refreshed).
        StoreMigration(version: 5, name: "work_item_progress", statements: [
            "ALTER TABLE work_items ADD COLUMN IF NOT EXISTS progress text",
        ]),
        // Prolongation links the service serves itself: the token only as its SHA-256.
        StoreMigration(version: 6, name: "prolongation_grants", statements: [
            """
            CREATE TABLE IF NOT EXISTS prolongation_grants (
                token_hash text PRIMARY KEY,
                user_dn text NOT NULL,
                task_dn text NOT NULL,
                call_days integer NOT NULL,
                expires_at timestamptz NOT NULL,
                used_at timestamptz
            )
            """,
        ]),
        // The DSA's password fingerprint at login (a keyed HMAC, never the hash), for the refresh
        // re-check; families started before have none. The index serves "revoke all of a DSA".
        StoreMigration(version: 7, name: "token_family_account", statements: [
            "ALTER TABLE token_families ADD COLUMN IF NOT EXISTS account_fingerprint text",
            "CREATE INDEX IF NOT EXISTS token_families_subject ON token_families (subject)",
        ]),
        // The built-in scheduler: one lease per scheduled operation (owner, expiry, a fencing
        // counter), and each slot run once across replicas.
        StoreMigration(version: 8, name: "scheduler", statements: [
            """
            CREATE TABLE IF NOT EXISTS leader_leases (
                name text PRIMARY KEY,
                owner text NOT NULL,
                fence bigint NOT NULL,
                expires_at timestamptz NOT NULL
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS schedule_slots (
                operation text NOT NULL,
                slot timestamptz NOT NULL,
                owner text NOT NULL,
                fence bigint NOT NULL,
                claimed_at timestamptz NOT NULL,
                PRIMARY KEY (operation, slot)
            )
            """,
        ]),
        // Backoff of transient failures: a released item is claimable again from `retry_at`.
        StoreMigration(version: 9, name: "work_item_retry", statements: [
            "ALTER TABLE work_items ADD COLUMN IF NOT EXISTS retry_at timestamptz",
        ]),
        // The status page lists the items an operator must settle without reading every item.
        StoreMigration(version: 10, name: "work_items_unresolved", statements: [
            "CREATE INDEX IF NOT EXISTS work_items_unresolved ON work_items (updated_at) WHERE state IN ('unknown', 'applying')",
        ]),
        // A slot's run says when it finished; the newest slot of a run that never did is run again.
        StoreMigration(version: 11, name: "schedule_slot_finished", statements: [
            "ALTER TABLE schedule_slots ADD COLUMN IF NOT EXISTS finished_at timestamptz",
            "UPDATE schedule_slots SET finished_at = claimed_at WHERE finished_at IS NULL",
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
        // Same as the PostgreSQL version 2; times are unix milliseconds. Foreign keys are not
        // enforced on this connection, so SQLiteTokenStore deletes a family's tokens itself.
        StoreMigration(version: 2, name: "refresh_tokens", statements: [
            """
            CREATE TABLE IF NOT EXISTS token_families (
                family_id TEXT PRIMARY KEY,
                subject TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                revoked_at INTEGER
            )
            """,
            "CREATE INDEX IF NOT EXISTS token_families_revoked_at ON token_families (revoked_at)",
            "CREATE INDEX IF NOT EXISTS token_families_expires_at ON token_families (expires_at)",
            """
            CREATE TABLE IF NOT EXISTS refresh_tokens (
                token_hash TEXT PRIMARY KEY,
                family_id TEXT NOT NULL REFERENCES token_families (family_id) ON DELETE CASCADE,
                parent_hash TEXT,
                created_at INTEGER NOT NULL,
                used_at INTEGER,
                expires_at INTEGER NOT NULL
            )
            """,
            "CREATE INDEX IF NOT EXISTS refresh_tokens_family_id ON refresh_tokens (family_id)",
            "CREATE INDEX IF NOT EXISTS refresh_tokens_expires_at ON refresh_tokens (expires_at)",
        ]),
        // Same as the PostgreSQL version 3 (SQLiteDeliveryJournal); times are unix milliseconds.
        StoreMigration(version: 3, name: "mail_deliveries", statements: [
            """
            CREATE TABLE IF NOT EXISTS mail_deliveries (
                sub_task_dn TEXT NOT NULL,
                recipient TEXT NOT NULL,
                state TEXT NOT NULL,
                owner TEXT,
                lease_expires_at INTEGER,
                attempts INTEGER NOT NULL DEFAULT 0,
                detail TEXT,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (sub_task_dn, recipient)
            )
            """,
            "CREATE INDEX IF NOT EXISTS mail_deliveries_state ON mail_deliveries (state)",
        ]),
        // Kind-neutral work items (SQLiteWorkJournal) replace the mail deliveries: every row
        // is carried over (sending → applying, sent → applied) before the old table goes. Plus
        // the run history (SQLiteRunHistory).
        StoreMigration(version: 4, name: "work_items_and_runs", statements: [
            """
            CREATE TABLE IF NOT EXISTS work_items (
                operation TEXT NOT NULL,
                sub_task_dn TEXT NOT NULL,
                target TEXT NOT NULL,
                state TEXT NOT NULL,
                owner TEXT,
                lease_expires_at INTEGER,
                attempts INTEGER NOT NULL DEFAULT 0,
                generation INTEGER NOT NULL DEFAULT 0,
                detail TEXT,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (operation, sub_task_dn, target)
            )
            """,
            "CREATE INDEX IF NOT EXISTS work_items_owner ON work_items (owner) WHERE state IN ('claimed', 'applying')",
            """
            INSERT INTO work_items (operation, sub_task_dn, target, state, owner, lease_expires_at, attempts, generation, detail, updated_at)
            SELECT 'mail', sub_task_dn, recipient,
                   CASE state WHEN 'sending' THEN 'applying' WHEN 'sent' THEN 'applied' ELSE state END,
                   owner, lease_expires_at, attempts, 0, detail, updated_at
            FROM mail_deliveries WHERE true
            ON CONFLICT DO NOTHING
            """,
            "DROP TABLE mail_deliveries",
            """
            CREATE TABLE IF NOT EXISTS runs (
                run_id TEXT PRIMARY KEY,
                operation TEXT NOT NULL,
                started_at INTEGER NOT NULL,
                ended_at INTEGER NOT NULL,
                header TEXT NOT NULL,
                items TEXT NOT NULL
            )
            """,
            "CREATE INDEX IF NOT EXISTS runs_started ON runs (started_at DESC, run_id DESC)",
            "CREATE INDEX IF NOT EXISTS runs_ended ON runs (ended_at)",
        ]),
        // Same as the PostgreSQL version 5.
        StoreMigration(version: 5, name: "work_item_progress", statements: [
            "ALTER TABLE work_items ADD COLUMN progress TEXT",
        ]),
        // Same as the PostgreSQL version 6 (times in unix milliseconds).
        StoreMigration(version: 6, name: "prolongation_grants", statements: [
            """
            CREATE TABLE IF NOT EXISTS prolongation_grants (
                token_hash TEXT PRIMARY KEY,
                user_dn TEXT NOT NULL,
                task_dn TEXT NOT NULL,
                call_days INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                used_at INTEGER
            )
            """,
        ]),
        // Same as the PostgreSQL version 7.
        StoreMigration(version: 7, name: "token_family_account", statements: [
            "ALTER TABLE token_families ADD COLUMN account_fingerprint TEXT",
            "CREATE INDEX IF NOT EXISTS token_families_subject ON token_families (subject)",
        ]),
        // Same as the PostgreSQL version 8 (times in unix milliseconds).
        StoreMigration(version: 8, name: "scheduler", statements: [
            """
            CREATE TABLE IF NOT EXISTS leader_leases (
                name TEXT PRIMARY KEY,
                owner TEXT NOT NULL,
                fence INTEGER NOT NULL,
                expires_at INTEGER NOT NULL
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS schedule_slots (
                operation TEXT NOT NULL,
                slot INTEGER NOT NULL,
                owner TEXT NOT NULL,
                fence INTEGER NOT NULL,
                claimed_at INTEGER NOT NULL,
                PRIMARY KEY (operation, slot)
            )
            """,
        ]),
        // Same as the PostgreSQL version 9 (unix milliseconds).
        StoreMigration(version: 9, name: "work_item_retry", statements: [
            "ALTER TABLE work_items ADD COLUMN retry_at INTEGER",
        ]),
        // The status page lists the items an operator must settle without reading every item.
        StoreMigration(version: 10, name: "work_items_unresolved", statements: [
            "CREATE INDEX IF NOT EXISTS work_items_unresolved ON work_items (updated_at) WHERE state IN ('unknown', 'applying')",
        ]),
        StoreMigration(version: 11, name: "schedule_slot_finished", statements: [
            "ALTER TABLE schedule_slots ADD COLUMN finished_at INTEGER",
            "UPDATE schedule_slots SET finished_at = claimed_at WHERE finished_at IS NULL",
        ]),
    ]
}