import Application
import Foundation
import Logging
import PostgresNIO

/// The slots the scheduler ran, on PostgreSQL (table `schedule_slots`, migration 8): the primary
/// key (operation, slot) makes each slot run once across replicas.
public struct PostgresScheduleSlots: ScheduleSlots {
    private let postgres: PostgresRoundTrips

    public init(database: PostgresDatabase, logger: Logger = Logger(label: "schedule-slots")) {
        postgres = database.roundTrips(logger: logger)
    }

    public func claim(operation: String, slot: Date, lease: LeaderLease, now: Date) async throws -> Bool {
        try await PostgresStoreCall.run("cannot record the scheduled slot") {
            // Fenced: recorded only while the lease is still this tenure's.
            let rows = try await postgres.query(
                """
                INSERT INTO schedule_slots (operation, slot, owner, fence, claimed_at)
                SELECT \(operation), \(slot), \(lease.owner), \(lease.fence), \(now)
                WHERE EXISTS (
                    SELECT 1 FROM leader_leases
                    WHERE name = \(lease.name) AND owner = \(lease.owner) AND fence = \(lease.fence) AND expires_at > \(now)
                )
                ON CONFLICT (operation, slot) DO NOTHING
                RETURNING fence
                """
            )
            return !rows.isEmpty
        }
    }

    public func lastSlot(operation: String) async throws -> Date? {
        try await PostgresStoreCall.run("cannot read the scheduled slots") {
            for row in try await postgres.query("SELECT max(slot) FROM schedule_slots WHERE operation = \(operation)") {
                return try row.decode(Date?.self)
            }
            return nil
        }
    }

    public func purge(operation: String, before date: Date) async throws -> Int {
        try await PostgresStoreCall.run("cannot purge the scheduled slots") {
            try await postgres.query(
                """
                DELETE FROM schedule_slots WHERE operation = \(operation) AND slot < \(date)
                AND slot < (SELECT max(slot) FROM schedule_slots WHERE operation = \(operation))
                RETURNING 1
                """
            ).count
        }
    }

    public func finish(operation: String, slot: Date, lease: LeaderLease, now: Date) async throws {
        try await PostgresStoreCall.run("cannot record the end of the scheduled slot") {
            try await postgres.query(
                """
                UPDATE schedule_slots SET finished_at = \(now)
                WHERE operation = \(operation) AND slot = \(slot) AND owner = \(lease.owner) AND fence = \(lease.fence)
                """
            )
        }
    }

    public func unfinished(operation: String) async throws -> OpenSlot? {
        try await PostgresStoreCall.run("cannot read the scheduled slots") {
            let rows = try await postgres.query(
                """
                SELECT slot, fence FROM schedule_slots
                WHERE operation = \(operation) AND finished_at IS NULL
                  AND slot = (SELECT max(slot) FROM schedule_slots WHERE operation = \(operation))
                """
            )
            for row in rows {
                let (slot, fence) = try row.decode((Date, Int64).self)
                return OpenSlot(slot: slot, fence: fence)
            }
            return nil
        }
    }

    public func resume(operation: String, slot: Date, lease: LeaderLease, now: Date) async throws -> Bool {
        try await PostgresStoreCall.run("cannot resume the scheduled slot") {
            let rows = try await postgres.query(
                """
                UPDATE schedule_slots SET owner = \(lease.owner), fence = \(lease.fence), claimed_at = \(now)
                WHERE operation = \(operation) AND slot = \(slot) AND finished_at IS NULL AND fence < \(lease.fence)
                  AND EXISTS (
                    SELECT 1 FROM leader_leases
                    WHERE name = \(lease.name) AND owner = \(lease.owner) AND fence = \(lease.fence) AND expires_at > \(now)
                  )
                RETURNING fence
                """
            )
            return !rows.isEmpty
        }
    }
}
