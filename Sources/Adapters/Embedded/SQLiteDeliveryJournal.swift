import Application
import Foundation
import Logging
import SQLiteNIO

/// The mail delivery journal in the embedded store (table of migration 3, `mail_deliveries`;
/// times in unix milliseconds).
///
/// `SQLiteDatabase` runs the statements of concurrent tasks one at a time on one connection but
/// interleaves them across awaits, so no BEGIN … COMMIT may span several calls here. Every
/// decision is therefore one statement on one row, which SQLite executes atomically:
/// - a claim is `INSERT … ON CONFLICT DO UPDATE … WHERE <claimable> RETURNING`: of any number of
///   concurrent claimers, the first statement to run takes the key and the others find it held;
/// - every transition is an `UPDATE … WHERE state = <from> AND owner = <owner>`.
///
/// The table's `state` holds one more value than `DeliveryState`: `released`, a key claimable
/// again after a transient failure. `records(forSubTasks:)` reports it as `.claimed` with no
/// owner and no lease (a claim nobody holds). Owners are kept on `sent`/`failed`/`done` rows as
/// a trace of the run that sent or refused; their lease is cleared.
public struct SQLiteDeliveryJournal: DeliveryJournal {
    private let database: SQLiteDatabase
    private let logger: Logger

    /// Keys or sub-task DNs per statement in `markDone` and `records`.
    static let chunkSize = 500

    public init(database: SQLiteDatabase, logger: Logger = Logger(label: "delivery-journal")) {
        self.database = database
        self.logger = logger
    }

    public func claim(_ keys: [DeliveryKey], owner: String, leaseUntil: Date, limit: Int, now: Date) async throws -> [DeliveryKey] {
        guard limit > 0, !keys.isEmpty else { return [] }
        return try await SQLiteStoreCall.run("cannot claim deliveries") {
            var claimed: [DeliveryKey] = []
            var seen = Set<DeliveryKey>()
            for key in keys where seen.insert(key).inserted {
                let rows = try await database.query(
                    """
                    INSERT INTO mail_deliveries (sub_task_dn, recipient, state, owner, lease_expires_at, attempts, updated_at)
                    VALUES (?1, ?2, 'claimed', ?3, ?4, 1, ?5)
                    ON CONFLICT (sub_task_dn, recipient) DO UPDATE
                    SET state = 'claimed', owner = excluded.owner, lease_expires_at = excluded.lease_expires_at,
                        attempts = mail_deliveries.attempts + 1, updated_at = excluded.updated_at
                    WHERE (mail_deliveries.state = 'claimed' AND mail_deliveries.lease_expires_at < ?5)
                       OR mail_deliveries.state = 'released'
                    RETURNING 1
                    """,
                    [.text(key.subTaskDN), .text(key.recipient), .text(owner), Self.millis(leaseUntil), Self.millis(now)]
                )
                if !rows.isEmpty {
                    claimed.append(key)
                    if claimed.count == limit { break }
                }
            }
            return claimed
        }
    }

    public func markSending(_ key: DeliveryKey, owner: String, now: Date) async throws -> Bool {
        try await SQLiteStoreCall.run("cannot mark the delivery as sending") {
            let rows = try await database.query(
                """
                UPDATE mail_deliveries SET state = 'sending', updated_at = ?4
                WHERE sub_task_dn = ?1 AND recipient = ?2 AND state = 'claimed' AND owner = ?3 AND lease_expires_at > ?4
                RETURNING 1
                """,
                [.text(key.subTaskDN), .text(key.recipient), .text(owner), Self.millis(now)]
            )
            return rows.count == 1
        }
    }

    public func markSent(_ key: DeliveryKey, owner: String, now: Date) async throws {
        try await SQLiteStoreCall.run("cannot mark the delivery as sent") {
            // No lease check: the server accepted the message, the fact is recorded regardless.
            let rows = try await database.query(
                """
                UPDATE mail_deliveries SET state = 'sent', lease_expires_at = NULL, updated_at = ?4
                WHERE sub_task_dn = ?1 AND recipient = ?2 AND state = 'sending' AND owner = ?3
                RETURNING 1
                """,
                [.text(key.subTaskDN), .text(key.recipient), .text(owner), Self.millis(now)]
            )
            if rows.isEmpty {
                logger.warning("delivery not in sending for this owner: sent not recorded", metadata: ["subTask": "\(key.subTaskDN)", "owner": "\(owner)"])
            }
        }
    }

    public func release(_ key: DeliveryKey, owner: String, detail: String, now: Date) async throws {
        try await SQLiteStoreCall.run("cannot release the delivery") {
            let rows = try await database.query(
                """
                UPDATE mail_deliveries SET state = 'released', owner = NULL, lease_expires_at = NULL, detail = ?4, updated_at = ?5
                WHERE sub_task_dn = ?1 AND recipient = ?2 AND state IN ('claimed', 'sending') AND owner = ?3
                RETURNING 1
                """,
                [.text(key.subTaskDN), .text(key.recipient), .text(owner), .text(detail), Self.millis(now)]
            )
            if rows.isEmpty {
                logger.debug("delivery not held by this owner: not released", metadata: ["subTask": "\(key.subTaskDN)", "owner": "\(owner)"])
            }
        }
    }

    public func markFailed(_ key: DeliveryKey, owner: String, detail: String, now: Date) async throws {
        try await SQLiteStoreCall.run("cannot mark the delivery as failed") {
            let rows = try await database.query(
                """
                UPDATE mail_deliveries SET state = 'failed', lease_expires_at = NULL, detail = ?4, updated_at = ?5
                WHERE sub_task_dn = ?1 AND recipient = ?2 AND state IN ('claimed', 'sending') AND owner = ?3
                RETURNING 1
                """,
                [.text(key.subTaskDN), .text(key.recipient), .text(owner), .text(detail), Self.millis(now)]
            )
            if rows.isEmpty {
                logger.debug("delivery not held by this owner: failure not recorded", metadata: ["subTask": "\(key.subTaskDN)", "owner": "\(owner)"])
            }
        }
    }

    public func markDone(_ keys: [DeliveryKey], now: Date) async throws {
        guard !keys.isEmpty else { return }
        try await SQLiteStoreCall.run("cannot mark deliveries as done") {
            for start in stride(from: 0, to: keys.count, by: Self.chunkSize) {
                let chunk = keys[start..<min(start + Self.chunkSize, keys.count)]
                let pairs = Array(repeating: "(?, ?)", count: chunk.count).joined(separator: ", ")
                var binds: [SQLiteData] = [Self.millis(now)]
                for key in chunk { binds += [.text(key.subTaskDN), .text(key.recipient)] }
                _ = try await database.query(
                    """
                    UPDATE mail_deliveries SET state = 'done', lease_expires_at = NULL, updated_at = ?
                    WHERE state IN ('sent', 'failed') AND (sub_task_dn, recipient) IN (VALUES \(pairs))
                    """,
                    binds
                )
            }
        }
    }

    public func reopen(_ records: [DeliveryRecord], now: Date) async throws -> [DeliveryKey] {
        try await SQLiteStoreCall.run("cannot reopen deliveries") {
            var reopened: [DeliveryKey] = []
            for record in records where record.state == .done {
                let rows = try await database.query(
                    """
                    UPDATE mail_deliveries SET state = 'released', owner = NULL, lease_expires_at = NULL, updated_at = ?4
                    WHERE sub_task_dn = ?1 AND recipient = ?2 AND state = 'done' AND updated_at = ?3
                    RETURNING 1
                    """,
                    [.text(record.key.subTaskDN), .text(record.key.recipient), Self.millis(record.updatedAt), Self.millis(now)]
                )
                if rows.count == 1 { reopened.append(record.key) }
            }
            return reopened
        }
    }

    public func records(forSubTasks subTaskDNs: [String]) async throws -> [DeliveryRecord] {
        var unique: [String] = []
        var seen = Set<String>()
        for dn in subTaskDNs where seen.insert(dn).inserted { unique.append(dn) }
        guard !unique.isEmpty else { return [] }
        return try await SQLiteStoreCall.run("cannot read deliveries") {
            var records: [DeliveryRecord] = []
            for start in stride(from: 0, to: unique.count, by: Self.chunkSize) {
                let chunk = unique[start..<min(start + Self.chunkSize, unique.count)]
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                let rows = try await database.query(
                    """
                    SELECT sub_task_dn, recipient, state, owner, lease_expires_at, attempts, detail, updated_at
                    FROM mail_deliveries WHERE sub_task_dn IN (\(marks))
                    ORDER BY sub_task_dn, recipient
                    """,
                    chunk.map { .text($0) }
                )
                for row in rows {
                    guard let dn = row.column("sub_task_dn")?.string,
                          let recipient = row.column("recipient")?.string,
                          let state = row.column("state")?.string,
                          let attempts = row.column("attempts")?.integer,
                          let updatedAt = row.column("updated_at")?.integer
                    else { throw StoreError.failed("malformed delivery record") }
                    records.append(try Self.record(
                        key: DeliveryKey(subTaskDN: dn, recipient: recipient),
                        state: state,
                        owner: row.column("owner")?.string,
                        leaseExpiresAt: row.column("lease_expires_at")?.integer.map { Self.date(millis: Int64($0)) },
                        attempts: Int(attempts),
                        detail: row.column("detail")?.string,
                        updatedAt: Self.date(millis: Int64(updatedAt))
                    ))
                }
            }
            return records
        }
    }

    /// A row as the port sees it: `released` is a claim nobody holds.
    static func record(key: DeliveryKey, state: String, owner: String?, leaseExpiresAt: Date?, attempts: Int, detail: String?, updatedAt: Date) throws -> DeliveryRecord {
        if state == "released" {
            return DeliveryRecord(key: key, state: .claimed, owner: nil, leaseExpiresAt: nil, attempts: attempts, detail: detail, updatedAt: updatedAt)
        }
        guard let known = DeliveryState(rawValue: state) else { throw StoreError.failed("unknown delivery state") }
        return DeliveryRecord(key: key, state: known, owner: owner, leaseExpiresAt: leaseExpiresAt, attempts: attempts, detail: detail, updatedAt: updatedAt)
    }

    static func millis(_ date: Date) -> SQLiteData {
        .integer(SQLiteInt64((date.timeIntervalSince1970 * 1000).rounded(.down)))
    }

    static func date(millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }

    /// Runs `body`, turning any failure into a short `StoreError` (no SQL, no SQLite message).
}
