import Application
import Domain
import Foundation
import Logging
import PostgresNIO

/// The work journal on PostgreSQL (table `work_items`, migration 4), shared by every replica.
///
/// Each decision is one conditional statement on one row, committed on its own (no transaction
/// spans several keys, so concurrent claimers never wait on each other's uncommitted rows and
/// cannot deadlock whatever order they pass their keys in):
/// - a claim is `INSERT … ON CONFLICT DO UPDATE … WHERE <claimable> RETURNING`. PostgreSQL locks
///   the conflicting row and evaluates the `WHERE` on its latest committed version, so of any
///   number of concurrent claimers exactly one gets the key;
/// - every transition is an `UPDATE … WHERE state IN <from> AND owner = <owner>`.
public struct PostgresWorkJournal: WorkJournal {
    private let postgres: PostgresRoundTrips
    private let logger: Logger

    /// Keys or sub-task DNs per statement in `settle` and `records`.
    static let chunkSize = 500

    public init(database: PostgresDatabase, logger: Logger = Logger(label: "work-journal")) {
        postgres = database.roundTrips(logger: logger)
        self.logger = logger
    }

    public func claim(_ keys: [WorkKey], owner: String, leaseUntil: Date, limit: Int, reclaimApplying: Bool, now: Date) async throws -> [WorkKey] {
        guard limit > 0, !keys.isEmpty else { return [] }
        return try await PostgresStoreCall.run("cannot claim work items") {
            // One pooled connection for the whole call; every statement still commits alone, and
            // each is bounded on its own (a whole batch may take longer than one bound).
            try await postgres.withConnection { session in
                var claimed: [WorkKey] = []
                var seen = Set<WorkKey>()
                for key in keys where seen.insert(key).inserted {
                    let rows = try await session.query(
                        """
                        INSERT INTO work_items AS w (operation, sub_task_dn, target, state, owner, lease_expires_at, attempts, generation, updated_at)
                        VALUES (\(key.operation.name), \(key.subTaskDN), \(key.target), 'claimed', \(owner), \(leaseUntil), 1, 0, \(now))
                        ON CONFLICT (operation, sub_task_dn, target) DO UPDATE
                        SET state = 'claimed', owner = EXCLUDED.owner, lease_expires_at = EXCLUDED.lease_expires_at,
                            attempts = w.attempts + 1, updated_at = EXCLUDED.updated_at
                        WHERE (w.state = 'released' AND (w.retry_at IS NULL OR w.retry_at <= \(now)))
                           OR (w.state = 'claimed' AND w.lease_expires_at < \(now))
                           OR (\(reclaimApplying) AND w.state = 'applying' AND w.lease_expires_at < \(now))
                        RETURNING 1
                        """
                    )
                    if !rows.isEmpty {
                        claimed.append(key)
                        if claimed.count == limit { break }
                    }
                }
                return claimed
            }
        }
    }

    public func extendLeases(owner: String, until: Date, now: Date) async throws -> Int {
        try await PostgresStoreCall.run("cannot extend leases") {
            try await postgres.query(
                """
                UPDATE work_items SET lease_expires_at = \(until)
                WHERE owner = \(owner) AND state IN ('claimed', 'applying', 'applied') AND lease_expires_at > \(now)
                RETURNING 1
                """
            ).count
        }
    }

    public func begin(_ key: WorkKey, owner: String, now: Date) async throws -> Bool {
        try await PostgresStoreCall.run("cannot begin the work item") {
            try await postgres.query(
                """
                UPDATE work_items SET state = 'applying', updated_at = \(now)
                WHERE operation = \(key.operation.name) AND sub_task_dn = \(key.subTaskDN) AND target = \(key.target)
                  AND state = 'claimed' AND owner = \(owner) AND lease_expires_at > \(now)
                RETURNING 1
                """
            ).count == 1
        }
    }

    public func saveProgress(_ key: WorkKey, _ progress: String, owner: String, now: Date) async throws -> Bool {
        try await PostgresStoreCall.run("cannot save the work item's progress") {
            try await postgres.query(
                """
                UPDATE work_items SET progress = \(progress), updated_at = \(now)
                WHERE operation = \(key.operation.name) AND sub_task_dn = \(key.subTaskDN) AND target = \(key.target)
                  AND state = 'applying' AND owner = \(owner)
                RETURNING 1
                """
            ).count == 1
        }
    }

    public func record(_ key: WorkKey, _ outcome: WorkOutcome, owner: String, now: Date, retry: RetryTiming) async throws {
        let change = WorkTransition(outcome, retry: retry)
        try await PostgresStoreCall.run("cannot record the work item") {
            // No lease check: what happened is recorded regardless (the effect is a fact).
            let rows = try await postgres.query(
                """
                UPDATE work_items
                SET state = \(change.state.rawValue), owner = CASE WHEN \(change.releasesOwner) THEN NULL ELSE owner END,
                    lease_expires_at = CASE WHEN \(change.keepsLease) THEN lease_expires_at ELSE NULL END,
                    detail = \(change.detail), updated_at = \(now), retry_at = \(change.retryAt),
                    attempts = CASE WHEN \(change.refundsAttempt) THEN GREATEST(attempts - 1, 0) ELSE attempts END
                WHERE operation = \(key.operation.name) AND sub_task_dn = \(key.subTaskDN) AND target = \(key.target)
                  AND state = ANY(\(change.from.map(\.rawValue))::text[]) AND owner = \(owner)
                RETURNING 1
                """
            )
            if rows.isEmpty {
                logger.warning("work item not held by this owner: outcome not recorded", metadata: ["subTask": "\(key.subTaskDN)", "owner": "\(owner)"])
            }
        }
    }

    public func settle(_ keys: [WorkKey], now: Date) async throws {
        guard !keys.isEmpty else { return }
        try await PostgresStoreCall.run("cannot settle work items") {
            for start in stride(from: 0, to: keys.count, by: Self.chunkSize) {
                let chunk = keys[start..<min(start + Self.chunkSize, keys.count)]
                let operations = chunk.map(\.operation.name)
                let dns = chunk.map(\.subTaskDN)
                let targets = chunk.map(\.target)
                try await postgres.query(
                    """
                    UPDATE work_items AS w SET state = 'done', lease_expires_at = NULL, updated_at = \(now)
                    FROM unnest(\(operations)::text[], \(dns)::text[], \(targets)::text[]) AS k (operation, sub_task_dn, target)
                    WHERE w.operation = k.operation AND w.sub_task_dn = k.sub_task_dn AND w.target = k.target
                      AND w.state IN ('applied', 'notNeeded', 'failed')
                    """
                )
            }
        }
    }

    public func records(forSubTasks subTaskDNs: [String], operation: RunOperation) async throws -> [WorkRecord] {
        let unique = Array(Set(subTaskDNs))
        guard !unique.isEmpty else { return [] }
        return try await PostgresStoreCall.run("cannot read work items") {
            var records: [WorkRecord] = []
            for start in stride(from: 0, to: unique.count, by: Self.chunkSize) {
                let chunk = Array(unique[start..<min(start + Self.chunkSize, unique.count)])
                let rows = try await postgres.query(
                    """
                    SELECT sub_task_dn, target, state, owner, lease_expires_at, attempts, generation, detail, updated_at, progress, retry_at, operation
                    FROM work_items WHERE operation = \(operation.name) AND sub_task_dn = ANY(\(chunk)::text[])
                    ORDER BY sub_task_dn, target
                    """
                )
                for row in rows {
                    records.append(try Self.record(row))
                }
            }
            return records.sorted { ($0.key.subTaskDN, $0.key.target) < ($1.key.subTaskDN, $1.key.target) }
        }
    }

    public func reopen(_ records: [WorkRecord], now: Date) async throws -> [WorkKey] {
        try await PostgresStoreCall.run("cannot reopen work items") {
            var reopened: [WorkKey] = []
            for record in records where record.state == .done {
                let key = record.key
                let rows = try await postgres.query(
                    """
                    UPDATE work_items SET state = 'released', owner = NULL, lease_expires_at = NULL, detail = NULL, progress = NULL, attempts = 0,
                        retry_at = NULL, generation = generation + 1, updated_at = \(now)
                    WHERE operation = \(key.operation.name) AND sub_task_dn = \(key.subTaskDN) AND target = \(key.target)
                      AND state = 'done' AND generation = \(record.generation)
                    RETURNING 1
                    """
                )
                if rows.count == 1 { reopened.append(key) }
            }
            return reopened
        }
    }

    public func resolve(_ key: WorkKey, as resolution: WorkResolution, by actor: String, now: Date) async throws -> WorkRecord? {
        let settlement = WorkSettlement(resolution, by: actor, at: now)
        return try await PostgresStoreCall.run("cannot settle the work item") {
            let rows = try await postgres.query(
                """
                UPDATE work_items SET state = \(settlement.state.rawValue), owner = \(settlement.owner), lease_expires_at = NULL, retry_at = NULL,
                    detail = \(settlement.detail), updated_at = \(now)
                WHERE operation = \(key.operation.name) AND sub_task_dn = \(key.subTaskDN) AND target = \(key.target)
                  AND (state = 'unknown' OR (state = 'applying' AND lease_expires_at < \(now)))
                RETURNING attempts, generation, progress
                """
            )
            for row in rows {
                let (attempts, generation, progress) = try row.decode((Int, Int, String?).self)
                return WorkRecord(
                    key: key, state: settlement.state, owner: settlement.owner, leaseExpiresAt: nil, attempts: attempts,
                    generation: generation, detail: settlement.detail, updatedAt: now, progress: progress
                )
            }
            return nil
        }
    }

    public func unresolved(limit: Int, now: Date) async throws -> [WorkRecord] {
        try await PostgresStoreCall.run("cannot read work items") {
            let rows = try await postgres.query(
                """
                SELECT sub_task_dn, target, state, owner, lease_expires_at, attempts, generation, detail, updated_at, progress, retry_at, operation
                FROM work_items WHERE state = 'unknown' OR (state = 'applying' AND lease_expires_at < \(now))
                ORDER BY updated_at, sub_task_dn, target LIMIT \(limit)
                """
            )
            return try rows.map(Self.record)
        }
    }

    /// A row of the columns the two readers above select, in their order.
    private static func record(_ row: PostgresRow) throws -> WorkRecord {
        let (dn, target, state, owner, lease, attempts, generation, detail, updatedAt, progress, retryAt, name) =
            try row.decode((String, String, String, String?, Date?, Int, Int, String?, Date, String?, Date?, String).self)
        guard let state = WorkState(rawValue: state) else { throw StoreError.failed("unknown work item state") }
        guard let operation = RunOperation(name: name) else { throw StoreError.failed("unknown operation in a work item") }
        return WorkRecord(
            key: WorkKey(operation: operation, subTaskDN: dn, target: target), state: state, owner: owner,
            leaseExpiresAt: lease, attempts: attempts, generation: generation, detail: detail, updatedAt: updatedAt,
            progress: progress, retryAt: retryAt
        )
    }
}
