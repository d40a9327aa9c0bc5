import Application
import Foundation
import SQLiteNIO

/// The slots the scheduler ran, in the embedded store (table `schedule_slots`, migration 8).
public struct SQLiteScheduleSlots: ScheduleSlots {
    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func claim(operation: String, slot: Date, lease: LeaderLease, now: Date) async throws -> Bool {
        try await SQLiteStoreCall.run("cannot record the scheduled slot") {
            try await !database.query(
                """
                INSERT INTO schedule_slots (operation, slot, owner, fence, claimed_at)
                SELECT ?1, ?2, ?3, ?4, ?5
                WHERE EXISTS (
                    SELECT 1 FROM leader_leases WHERE name = ?6 AND owner = ?3 AND fence = ?4 AND expires_at > ?5
                )
                ON CONFLICT (operation, slot) DO NOTHING
                RETURNING fence
                """,
                [
                    .text(operation), SQLiteWorkJournal.millis(slot), .text(lease.owner), .integer(Int(lease.fence)), SQLiteWorkJournal.millis(now),
                    .text(lease.name),
                ]
            ).isEmpty
        }
    }

    public func lastSlot(operation: String) async throws -> Date? {
        try await SQLiteStoreCall.run("cannot read the scheduled slots") {
            try await database.query("SELECT max(slot) AS slot FROM schedule_slots WHERE operation = ?1", [.text(operation)])
                .first?.column("slot")?.integer.map { SQLiteWorkJournal.date(millis: Int64($0)) }
        }
    }

    public func purge(operation: String, before date: Date) async throws -> Int {
        try await SQLiteStoreCall.run("cannot purge the scheduled slots") {
            try await database.query(
                """
                DELETE FROM schedule_slots WHERE operation = ?1 AND slot < ?2
                AND slot < (SELECT max(slot) FROM schedule_slots WHERE operation = ?1)
                RETURNING 1
                """,
                [.text(operation), SQLiteWorkJournal.millis(date)]
            ).count
        }
    }

    public func finish(operation: String, slot: Date, lease: LeaderLease, now: Date) async throws {
        try await SQLiteStoreCall.run("cannot record the end of the scheduled slot") {
            _ = try await database.query(
                "UPDATE schedule_slots SET finished_at = ?1 WHERE operation = ?2 AND slot = ?3 AND owner = ?4 AND fence = ?5",
                [SQLiteWorkJournal.millis(now), .text(operation), SQLiteWorkJournal.millis(slot), .text(lease.owner), .integer(Int(lease.fence))]
            )
        }
    }

    public func unfinished(operation: String) async throws -> OpenSlot? {
        try await SQLiteStoreCall.run("cannot read the scheduled slots") {
            let row = try await database.query(
                """
                SELECT slot, fence FROM schedule_slots
                WHERE operation = ?1 AND finished_at IS NULL AND slot = (SELECT max(slot) FROM schedule_slots WHERE operation = ?1)
                """,
                [.text(operation)]
            ).first
            guard let row, let slot = row.column("slot")?.integer, let fence = row.column("fence")?.integer else { return nil }
            return OpenSlot(slot: SQLiteWorkJournal.date(millis: Int64(slot)), fence: Int64(fence))
        }
    }

    public func resume(operation: String, slot: Date, lease: LeaderLease, now: Date) async throws -> Bool {
        try await SQLiteStoreCall.run("cannot resume the scheduled slot") {
            try await !database.query(
                """
                UPDATE schedule_slots SET owner = ?3, fence = ?4, claimed_at = ?5
                WHERE operation = ?1 AND slot = ?2 AND finished_at IS NULL AND fence < ?4
                  AND EXISTS (SELECT 1 FROM leader_leases WHERE name = ?6 AND owner = ?3 AND fence = ?4 AND expires_at > ?5)
                RETURNING fence
                """,
                [
                    .text(operation), SQLiteWorkJournal.millis(slot), .text(lease.owner), .integer(Int(lease.fence)), SQLiteWorkJournal.millis(now),
                    .text(lease.name),
                ]
            ).isEmpty
        }
    }
}
