import Application
import Domain
import Foundation
import Logging
import PostgresNIO

/// Prolongation grants on PostgreSQL (table `prolongation_grants`, migration 6), shared by every replica.
public struct PostgresProlongationGrants: ProlongationGrants {
    private let client: PostgresClient
    private let logger: Logger

    public init(database: PostgresDatabase, logger: Logger = Logger(label: "prolongation-grants")) {
        client = database.client
        self.logger = logger
    }

    public func issue(_ grant: ProlongationGrant) async throws {
        try await PostgresStoreCall.run("cannot store the prolongation link") {
            try await client.query(
                """
                INSERT INTO prolongation_grants (token_hash, user_dn, task_dn, call_days, expires_at)
                VALUES (\(grant.tokenHash), \(grant.userDN), \(grant.taskDN), \(grant.callDays), \(grant.expiresAt))
                ON CONFLICT (token_hash) DO NOTHING
                """,
                logger: logger
            )
        }
    }

    public func grant(tokenHash: String) async throws -> ProlongationGrant? {
        try await PostgresStoreCall.run("cannot read the prolongation link") {
            try await first(try await client.query(
                "SELECT token_hash, user_dn, task_dn, call_days, expires_at, used_at FROM prolongation_grants WHERE token_hash = \(tokenHash)",
                logger: logger
            ))
        }
    }

    public func redeem(tokenHash: String, now: Date) async throws -> ProlongationGrant? {
        try await PostgresStoreCall.run("cannot use the prolongation link") {
            try await first(try await client.query(
                """
                UPDATE prolongation_grants SET used_at = \(now) WHERE token_hash = \(tokenHash) AND used_at IS NULL AND expires_at > \(now)
                RETURNING token_hash, user_dn, task_dn, call_days, expires_at, used_at
                """,
                logger: logger
            ))
        }
    }

    public func release(tokenHash: String) async throws {
        try await PostgresStoreCall.run("cannot give the prolongation link back") {
            try await client.query("UPDATE prolongation_grants SET used_at = NULL WHERE token_hash = \(tokenHash)", logger: logger)
        }
    }

    private func first(_ rows: PostgresRowSequence) async throws -> ProlongationGrant? {
        for try await (hash, user, task, days, expires, used) in rows.decode((String, String, String, Int, Date, Date?).self) {
            return ProlongationGrant(tokenHash: hash, userDN: user, taskDN: task, callDays: days, expiresAt: expires, usedAt: used)
        }
        return nil
    }
}
