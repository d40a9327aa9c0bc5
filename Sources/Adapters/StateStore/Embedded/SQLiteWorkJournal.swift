import Application
import Domain
import Foundation
import Logging
import SQLiteNIO

/// The work journal in the embedded store (table `work_items`, migration 4; times in unix
/// milliseconds).
///
/// `SQLiteDatabase` runs the statements of concurrent tasks one at a time on one connection but
/// interleaves them across awaits, so no BEGIN … COMMIT may span several calls here. Every
/// decision is therefore one statement on one row, which SQLite executes atomically: a claim is
/// `INSERT … ON CONFLICT DO UPDATE … WHERE <claimable> RETURNING`, every transition an
/// `UPDATE … WHERE state IN <from> AND owner = <owner>`.
public struct SQLiteWorkJournal: WorkJournal {
    private let database: SQLiteDatabase
    private let logger: Logger

    /// Sub-task DNs per statement in `records`.
    static let chunkSize = 500

    public init(database: SQLiteDatabase, logger: Logger = Logger(label: "work-journal")) {
        self.database = database
        self.logger = logger
    }

    public func claim(_ keys: [WorkKey], owner: String, leaseUntil: Date, limit: Int, reclaimApplying: Bool, now: Date) async throws -> [WorkKey] {
        guard limit > 0, !keys.isEmpty else { return [] }
        return try await SQLiteStoreCall.run("cannot claim work items") {
            var claimed: [WorkKey] = []
            var seen = Set<WorkKey>()
            for key in keys where seen.insert(key).inserted {
                let rows = try await database.query(
                    """
                    INSERT INTO work_items (operation, sub_task_dn, target, state, owner, lease_expires_at, attempts, generation, updated_at)
                    VALUES (?1, ?2, ?3, 'claimed', ?4, ?5, 1, 0, ?6)
                    ON CONFLICT (operation, sub_task_dn, target) DO UPDATE
                    SET state = 'claimed', owner = excluded.owner, lease_expires_at = excluded.lease_expires_at,
                        attempts = work_items.attempts + 1, updated_at = excluded.updated_at
                    WHERE (work_items.state = 'released' AND (work_items.retry_at IS NULL OR work_items.retry_at <= ?6))
                       OR (work_items.state = 'claimed' AND work_items.lease_expires_at < ?6)
                       OR (?7 AND work_items.state = 'applying' AND work_items.lease_expires_at < ?6)
                    RETURNING 1
                    """,
                    Self.binds(key) + [.text(owner), Self.millis(leaseUntil), Self.millis(now), .integer(reclaimApplying ? 1 : 0)]
                )
                if !rows.isEmpty {
                    claimed.append(key)
                    if claimed.count == limit { break }
                }
            }
            return claimed
        }
    }

    public func extendLeases(owner: String, until: Date, now: Date) async throws -> Int {
        try await SQLiteStoreCall.run("cannot extend leases") {
            try await database.query(
                """
                UPDATE work_items SET lease_expires_at = ?2
                WHERE owner = ?1 AND state IN ('claimed', 'applying', 'applied') AND lease_expires_at > ?3
                RETURNING 1
                """,
                [.text(owner), Self.millis(until), Self.millis(now)]
            ).count
        }
    }

    public func begin(_ key: WorkKey, owner: String, now: Date) async throws -> Bool {
        try await SQLiteStoreCall.run("cannot begin the work item") {
            try await database.query(
                """
                UPDATE work_items SET state = 'applying', updated_at = ?5
                WHERE operation = ?1 AND sub_task_dn = ?2 AND target = ?3 AND state = 'claimed' AND owner = ?4 AND lease_expires_at > ?5
                RETURNING 1
                """,
                Self.binds(key) + [.text(owner), Self.millis(now)]
            ).count == 1
        }
    }

    public func saveProgress(_ key: WorkKey, _ progress: String, owner: String, now: Date) async throws -> Bool {
        try await SQLiteStoreCall.run("cannot save the work item's progress") {
            try await database.query(
                """
                UPDATE work_items SET progress = ?5, updated_at = ?6
                WHERE operation = ?1 AND sub_task_dn = ?2 AND target = ?3 AND state = 'applying' AND owner = ?4
                RETURNING 1
                """,
                Self.binds(key) + [.text(owner), .text(progress), Self.millis(now)]
            ).count == 1
        }
    }

    public func record(_ key: WorkKey, _ outcome: WorkOutcome, owner: String, now: Date, retry: RetryTiming) async throws {
        let change = WorkTransition(outcome, retry: retry)
        try await SQLiteStoreCall.run("cannot record the work item") {
            // No lease check: what happened is recorded regardless (the effect is a fact).
            let rows = try await database.query(
                """
                UPDATE work_items SET state = ?5, owner = CASE WHEN ?6 THEN NULL ELSE owner END,
                    lease_expires_at = CASE WHEN ?11 THEN lease_expires_at ELSE NULL END, detail = ?7, updated_at = ?8,
                    retry_at = ?12, attempts = CASE WHEN ?13 THEN max(attempts - 1, 0) ELSE attempts END
                WHERE operation = ?1 AND sub_task_dn = ?2 AND target = ?3 AND state IN (?9, ?10) AND owner = ?4
                RETURNING 1
                """,
                Self.binds(key) + [
                    .text(owner), .text(change.state.rawValue), .integer(change.releasesOwner ? 1 : 0),
                    change.detail.map { .text($0) } ?? .null, Self.millis(now),
                    .text(change.from[0].rawValue), .text((change.from.last ?? change.from[0]).rawValue),
                    .integer(change.keepsLease ? 1 : 0), change.retryAt.map(Self.millis) ?? .null, .integer(change.refundsAttempt ? 1 : 0),
                ]
            )
            if rows.isEmpty {
                logger.warning("work item not held by this owner: outcome not recorded", metadata: ["subTask": "\(key.subTaskDN)", "owner": "\(owner)"])
            }
        }
    }

    public func settle(_ keys: [WorkKey], now: Date) async throws {
        guard !keys.isEmpty else { return }
        try await SQLiteStoreCall.run("cannot settle work items") {
            for key in keys {
                _ = try await database.query(
                    """
                    UPDATE work_items SET state = 'done', lease_expires_at = NULL, updated_at = ?4
                    WHERE operation = ?1 AND sub_task_dn = ?2 AND target = ?3 AND state IN ('applied', 'notNeeded', 'failed')
                    """,
                    Self.binds(key) + [Self.millis(now)]
                )
            }
        }
    }

    public func records(forSubTasks subTaskDNs: [String], operation: RunOperation) async throws -> [WorkRecord] {
        let unique = Array(Set(subTaskDNs))
        guard !unique.isEmpty else { return [] }
        return try await SQLiteStoreCall.run("cannot read work items") {
            var records: [WorkRecord] = []
            for start in stride(from: 0, to: unique.count, by: Self.chunkSize) {
                let chunk = unique[start..<min(start + Self.chunkSize, unique.count)]
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                let rows = try await database.query(
                    """
                    SELECT sub_task_dn, target, state, owner, lease_expires_at, attempts, generation, detail, updated_at, progress, retry_at
                    FROM work_items WHERE operation = ? AND sub_task_dn IN (\(marks))
                    ORDER BY sub_task_dn, target
                    """,
                    [.text(operation.name)] + chunk.map { .text($0) }
                )
                for row in rows {
                    records.append(try Self.record(row, operation: operation))
                }
            }
            return records.sorted { ($0.key.subTaskDN, $0.key.target) < ($1.key.subTaskDN, $1.key.target) }
        }
    }

    public func reopen(_ records: [WorkRecord], now: Date) async throws -> [WorkKey] {
        try await SQLiteStoreCall.run("cannot reopen work items") {
            var reopened: [WorkKey] = []
            for record in records where record.state == .done {
                let rows = try await database.query(
                    """
                    UPDATE work_items SET state = 'released', owner = NULL, lease_expires_at = NULL, detail = NULL, progress = NULL, attempts = 0,
                        retry_at = NULL, generation = generation + 1, updated_at = ?5
                    WHERE operation = ?1 AND sub_task_dn = ?2 AND target = ?3 AND state = 'done' AND generation = ?4
                    RETURNING 1
                    """,
                    Self.binds(record.key) + [.integer(record.generation), Self.millis(now)]
                )
                if rows.count == 1 { reopened.append(record.key) }
            }
            return reopened
        }
    }

    public func resolve(_ key: WorkKey, as resolution: WorkResolution, by actor: String, now: Date) async throws -> WorkRecord? {
        let settlement = WorkSettlement(resolution, by: actor, at: now)
        return try await SQLiteStoreCall.run("cannot settle the work item") {
            let rows = try await database.query(
                """
                UPDATE work_items SET state = ?4, owner = ?5, lease_expires_at = NULL, retry_at = NULL, detail = ?6, updated_at = ?7
                WHERE operation = ?1 AND sub_task_dn = ?2 AND target = ?3
                  AND (state = 'unknown' OR (state = 'applying' AND lease_expires_at < ?7))
                RETURNING attempts, generation, progress
                """,
                Self.binds(key) + [
                    .text(settlement.state.rawValue), settlement.owner.map { .text($0) } ?? .null, .text(settlement.detail), Self.millis(now),
                ]
            )
            guard let row = rows.first, let attempts = row.column("attempts")?.integer, let generation = row.column("generation")?.integer else { return nil }
            return WorkRecord(
                key: key, state: settlement.state, owner: settlement.owner, leaseExpiresAt: nil, attempts: attempts,
                generation: generation, detail: settlement.detail, updatedAt: now, progress: row.column("progress")?.string
            )
        }
    }

    public func unresolved(limit: Int, now: Date) async throws -> [WorkRecord] {
        try await SQLiteStoreCall.run("cannot read work items") {
            let rows = try await database.query(
                """
                SELECT operation, sub_task_dn, target, state, owner, lease_expires_at, attempts, generation, detail, updated_at, progress, retry_at
                FROM work_items WHERE state = 'unknown' OR (state = 'applying' AND lease_expires_at < ?1)
                ORDER BY updated_at, sub_task_dn, target LIMIT ?2
                """,
                [Self.millis(now), .integer(limit)]
            )
            return try rows.map { row in
                guard let operation = row.column("operation")?.string.flatMap(RunOperation.init(name:)) else {
                    throw StoreError.failed("unknown operation in a work item")
                }
                return try Self.record(row, operation: operation)
            }
        }
    }

    private static func record(_ row: SQLiteRow, operation: RunOperation) throws -> WorkRecord {
        guard let dn = row.column("sub_task_dn")?.string, let target = row.column("target")?.string,
              let state = row.column("state")?.string.flatMap(WorkState.init(rawValue:)),
              let attempts = row.column("attempts")?.integer, let generation = row.column("generation")?.integer,
              let updatedAt = row.column("updated_at")?.integer
        else { throw StoreError.failed("malformed work item") }
        return WorkRecord(
            key: WorkKey(operation: operation, subTaskDN: dn, target: target), state: state,
            owner: row.column("owner")?.string,
            leaseExpiresAt: row.column("lease_expires_at")?.integer.map { date(millis: Int64($0)) },
            attempts: attempts, generation: generation, detail: row.column("detail")?.string,
            updatedAt: date(millis: Int64(updatedAt)), progress: row.column("progress")?.string,
            retryAt: row.column("retry_at")?.integer.map { date(millis: Int64($0)) }
        )
    }

    static func binds(_ key: WorkKey) -> [SQLiteData] {
        [.text(key.operation.name), .text(key.subTaskDN), .text(key.target)]
    }

    static func millis(_ date: Date) -> SQLiteData {
        .integer(SQLiteInt64((date.timeIntervalSince1970 * 1000).rounded(.down)))
    }

    static func date(millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }
}
