import Application
import Domain
import Foundation
import Logging
import SQLiteNIO

/// The run history in the embedded store (table `runs`, migration 4; times in unix milliseconds).
public struct SQLiteRunHistory: RunHistory {
    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func save(_ report: RunReport) async throws {
        let header = try StoredRunReport.header(report)
        let items = try StoredRunReport.items(report)
        try await SQLiteStoreCall.run("cannot save the run") {
            _ = try await database.query(
                """
                INSERT INTO runs (run_id, operation, started_at, ended_at, header, items) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                ON CONFLICT (run_id) DO UPDATE SET ended_at = excluded.ended_at, header = excluded.header, items = excluded.items
                """,
                [
                    .text(report.runID), .text(report.operation), SQLiteWorkJournal.millis(report.startedAt),
                    SQLiteWorkJournal.millis(report.endedAt), .text(header), .text(items),
                ]
            )
        }
    }

    public func runs(operation: RunOperation?, limit: Int, before: RunCursor?) async throws -> [RunReport] {
        try await SQLiteStoreCall.run("cannot read the run history") {
            let rows = try await database.query(
                """
                SELECT header FROM runs
                WHERE (?1 IS NULL OR operation = ?1)
                  AND (?2 IS NULL OR started_at < ?2 OR (started_at = ?2 AND run_id < ?3))
                ORDER BY started_at DESC, run_id DESC LIMIT ?4
                """,
                [
                    operation.map { .text($0.name) } ?? .null, before.map { SQLiteWorkJournal.millis($0.startedAt) } ?? .null,
                    .text(before?.runID ?? ""), .integer(limit),
                ]
            )
            return try rows.map { row in
                guard let header = row.column("header")?.string else { throw StoreError.failed("malformed run") }
                return try StoredRunReport.decode(header: header, items: nil)
            }
        }
    }

    public func run(id: String) async throws -> RunReport? {
        try await SQLiteStoreCall.run("cannot read the run") {
            let rows = try await database.query("SELECT header, items FROM runs WHERE run_id = ?1", [.text(id)])
            guard let row = rows.first else { return nil }
            guard let header = row.column("header")?.string, let items = row.column("items")?.string else { throw StoreError.failed("malformed run") }
            return try StoredRunReport.decode(header: header, items: items)
        }
    }

    public func purge(endedBefore date: Date) async throws -> Int {
        try await SQLiteStoreCall.run("cannot purge the run history") {
            try await database.query("DELETE FROM runs WHERE ended_at < ?1 RETURNING 1", [SQLiteWorkJournal.millis(date)]).count
        }
    }

    public func tallies(since date: Date, operations: [RunOperation]) async throws -> [RunTally] {
        guard !operations.isEmpty else { return [] }
        let marks = (0..<operations.count).map { "?\($0 + 2)" }.joined(separator: ", ")
        return try await SQLiteStoreCall.run("cannot read the run history") {
            let rows = try await database.query(
                """
                SELECT operation, started_at,
                       COALESCE(json_extract(header, '$.summary.applied'), 0) AS applied,
                       COALESCE(json_extract(header, '$.summary.failed'), 0) AS failed
                FROM runs
                WHERE started_at >= ?1 AND operation IN (\(marks)) AND NOT COALESCE(json_extract(header, '$.dryRun'), 0)
                ORDER BY started_at
                """,
                [SQLiteWorkJournal.millis(date)] + operations.map { .text($0.name) }
            )
            return try rows.map { row in
                guard let operation = row.column("operation")?.string, let started = row.column("started_at")?.integer,
                      let applied = row.column("applied")?.integer, let failed = row.column("failed")?.integer
                else { throw StoreError.failed("malformed run") }
                return RunTally(operation: operation, startedAt: SQLiteWorkJournal.date(millis: Int64(started)), applied: applied, failed: failed)
            }
        }
    }
}
