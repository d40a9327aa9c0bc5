import Application
import Foundation
import Logging
import PostgresNIO

/// The mail delivery journal on PostgreSQL (table of migration 3, `mail_deliveries`), shared by
/// every replica of the service.
///
/// Each decision is one conditional statement on one row, committed on its own (no transaction
/// spans several keys, so concurrent claimers never wait on each other's uncommitted rows and
/// cannot deadlock whatever order they pass their keys in):
/// - a claim is `INSERT … ON CONFLICT DO UPDATE … WHERE <claimable> RETURNING`. PostgreSQL
///   locks the conflicting row and evaluates the `WHERE` on its latest committed version (a
///   concurrent insert of the same key is waited for), so of any number of concurrent claimers
///   exactly one gets the key;
/// - every transition is an `UPDATE … WHERE state = <from> AND owner = <owner>`.
///
/// The table's `state` holds one more value than `DeliveryState`: `released`, a key claimable
/// again after a transient failure. `records(forSubTasks:)` reports it as `.claimed` with no
/// owner and no lease (a claim nobody holds). Owners are kept on `sent`/`failed`/`done` rows as
/// a trace of the run that sent or refused; their lease is cleared.
public struct PostgresDeliveryJournal: DeliveryJournal {
    private let client: PostgresClient
    private let logger: Logger

    /// Keys or sub-task DNs per statement in `markDone` and `records`.
    static let chunkSize = 500

    public init(database: PostgresDatabase, logger: Logger = Logger(label: "delivery-journal")) {
        client = database.client
        self.logger = logger
    }

    public func claim(_ keys: [DeliveryKey], owner: String, leaseUntil: Date, limit: Int, now: Date) async throws -> [DeliveryKey] {
        guard limit > 0, !keys.isEmpty else { return [] }
        return try await PostgresStoreCall.run("cannot claim deliveries") {
            // One pooled connection for the whole call; every statement still commits alone.
            try await client.withConnection { connection in
                var claimed: [DeliveryKey] = []
                var seen = Set<DeliveryKey>()
                for key in keys where seen.insert(key).inserted {
                    let rows = try await connection.query(
                        """
                        INSERT INTO mail_deliveries AS d (sub_task_dn, recipient, state, owner, lease_expires_at, attempts, updated_at)
                        VALUES (\(key.subTaskDN), \(key.recipient), 'claimed', \(owner), \(leaseUntil), 1, \(now))
                        ON CONFLICT (sub_task_dn, recipient) DO UPDATE
                        SET state = 'claimed', owner = EXCLUDED.owner, lease_expires_at = EXCLUDED.lease_expires_at,
                            attempts = d.attempts + 1, updated_at = EXCLUDED.updated_at
                        WHERE (d.state = 'claimed' AND d.lease_expires_at < \(now)) OR d.state = 'released'
                        RETURNING 1
                        """,
                        logger: logger
                    )
                    if try await Self.count(rows) > 0 {
                        claimed.append(key)
                        if claimed.count == limit { break }
                    }
                }
                return claimed
            }
        }
    }

    public func markSending(_ key: DeliveryKey, owner: String, now: Date) async throws -> Bool {
        try await PostgresStoreCall.run("cannot mark the delivery as sending") {
            let rows = try await client.query(
                """
                UPDATE mail_deliveries SET state = 'sending', updated_at = \(now)
                WHERE sub_task_dn = \(key.subTaskDN) AND recipient = \(key.recipient)
                  AND state = 'claimed' AND owner = \(owner) AND lease_expires_at > \(now)
                RETURNING 1
                """,
                logger: logger
            )
            return try await Self.count(rows) == 1
        }
    }

    public func markSent(_ key: DeliveryKey, owner: String, now: Date) async throws {
        try await PostgresStoreCall.run("cannot mark the delivery as sent") {
            // No lease check: the server accepted the message, the fact is recorded regardless.
            let rows = try await client.query(
                """
                UPDATE mail_deliveries SET state = 'sent', lease_expires_at = NULL, updated_at = \(now)
                WHERE sub_task_dn = \(key.subTaskDN) AND recipient = \(key.recipient)
                  AND state = 'sending' AND owner = \(owner)
                RETURNING 1
                """,
                logger: logger
            )
            if try await Self.count(rows) == 0 {
                logger.warning("delivery not in sending for this owner: sent not recorded", metadata: ["subTask": "\(key.subTaskDN)", "owner": "\(owner)"])
            }
        }
    }

    public func release(_ key: DeliveryKey, owner: String, detail: String, now: Date) async throws {
        try await PostgresStoreCall.run("cannot release the delivery") {
            let rows = try await client.query(
                """
                UPDATE mail_deliveries SET state = 'released', owner = NULL, lease_expires_at = NULL, detail = \(detail), updated_at = \(now)
                WHERE sub_task_dn = \(key.subTaskDN) AND recipient = \(key.recipient)
                  AND state IN ('claimed', 'sending') AND owner = \(owner)
                RETURNING 1
                """,
                logger: logger
            )
            if try await Self.count(rows) == 0 {
                logger.debug("delivery not held by this owner: not released", metadata: ["subTask": "\(key.subTaskDN)", "owner": "\(owner)"])
            }
        }
    }

    public func markFailed(_ key: DeliveryKey, owner: String, detail: String, now: Date) async throws {
        try await PostgresStoreCall.run("cannot mark the delivery as failed") {
            let rows = try await client.query(
                """
                UPDATE mail_deliveries SET state = 'failed', lease_expires_at = NULL, detail = \(detail), updated_at = \(now)
                WHERE sub_task_dn = \(key.subTaskDN) AND recipient = \(key.recipient)
                  AND state IN ('claimed', 'sending') AND owner = \(owner)
                RETURNING 1
                """,
                logger: logger
            )
            if try await Self.count(rows) == 0 {
                logger.debug("delivery not held by this owner: failure not recorded", metadata: ["subTask": "\(key.subTaskDN)", "owner": "\(owner)"])
            }
        }
    }

    public func markDone(_ keys: [DeliveryKey], now: Date) async throws {
        guard !keys.isEmpty else { return }
        try await PostgresStoreCall.run("cannot mark deliveries as done") {
            for start in stride(from: 0, to: keys.count, by: Self.chunkSize) {
                let chunk = keys[start..<min(start + Self.chunkSize, keys.count)]
                let dns = chunk.map(\.subTaskDN)
                let recipients = chunk.map(\.recipient)
                try await client.query(
                    """
                    UPDATE mail_deliveries AS d SET state = 'done', lease_expires_at = NULL, updated_at = \(now)
                    FROM unnest(\(dns)::text[], \(recipients)::text[]) AS k (sub_task_dn, recipient)
                    WHERE d.sub_task_dn = k.sub_task_dn AND d.recipient = k.recipient AND d.state IN ('sent', 'failed')
                    """,
                    logger: logger
                )
            }
        }
    }

    public func reopen(_ records: [DeliveryRecord], now: Date) async throws -> [DeliveryKey] {
        try await PostgresStoreCall.run("cannot reopen deliveries") {
            var reopened: [DeliveryKey] = []
            for record in records where record.state == .done {
                // updated_at compared in whole milliseconds: a Date read back from timestamptz may
                // differ in the last microsecond, and no claim→send→done cycle fits in one millisecond.
                let observed = Int64((record.updatedAt.timeIntervalSince1970 * 1000).rounded(.down))
                let rows = try await client.query(
                    """
                    UPDATE mail_deliveries SET state = 'released', owner = NULL, lease_expires_at = NULL, updated_at = \(now)
                    WHERE sub_task_dn = \(record.key.subTaskDN) AND recipient = \(record.key.recipient) AND state = 'done'
                      AND abs(floor(extract(epoch FROM updated_at) * 1000)::bigint - \(observed)) <= 1
                    RETURNING 1
                    """,
                    logger: logger
                )
                if try await Self.count(rows) == 1 { reopened.append(record.key) }
            }
            return reopened
        }
    }

    public func records(forSubTasks subTaskDNs: [String]) async throws -> [DeliveryRecord] {
        var unique: [String] = []
        var seen = Set<String>()
        for dn in subTaskDNs where seen.insert(dn).inserted { unique.append(dn) }
        guard !unique.isEmpty else { return [] }
        return try await PostgresStoreCall.run("cannot read deliveries") {
            var records: [DeliveryRecord] = []
            for start in stride(from: 0, to: unique.count, by: Self.chunkSize) {
                let chunk = Array(unique[start..<min(start + Self.chunkSize, unique.count)])
                let rows = try await client.query(
                    """
                    SELECT sub_task_dn, recipient, state, owner, lease_expires_at, attempts, detail, updated_at
                    FROM mail_deliveries WHERE sub_task_dn = ANY(\(chunk)::text[])
                    ORDER BY sub_task_dn, recipient
                    """,
                    logger: logger
                )
                for try await (dn, recipient, state, owner, lease, attempts, detail, updatedAt)
                    in rows.decode((String, String, String, String?, Date?, Int, String?, Date).self)
                {
                    records.append(try Self.record(
                        key: DeliveryKey(subTaskDN: dn, recipient: recipient),
                        state: state, owner: owner, leaseExpiresAt: lease, attempts: attempts, detail: detail, updatedAt: updatedAt
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

    private static func count(_ rows: PostgresRowSequence) async throws -> Int {
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }

    /// Runs `body`, turning any failure into a short `StoreError` (no SQL, no server text).

}
