import Application
import Domain
import Foundation
import Logging
import PostgresNIO

/// The run history on PostgreSQL (table `runs`, migration 4), shared by every replica.
public struct PostgresRunHistory: RunHistory {
    private let postgres: PostgresRoundTrips

    public init(database: PostgresDatabase, logger: Logger = Logger(label: "run-history")) {
        postgres = database.roundTrips(logger: logger)
    }

    public func save(_ report: RunReport) async throws {
        let header = try StoredRunReport.header(report)
        let items = try StoredRunReport.items(report)
        try await PostgresStoreCall.run("cannot save the run") {
            try await postgres.query(
                """
                INSERT INTO runs (run_id, operation, started_at, ended_at, header, items)
                VALUES (\(report.runID), \(report.operation), \(report.startedAt), \(report.endedAt), \(header), \(items))
                ON CONFLICT (run_id) DO UPDATE SET ended_at = EXCLUDED.ended_at, header = EXCLUDED.header, items = EXCLUDED.items
                """
            )
        }
    }

    public func runs(operation: RunOperation?, limit: Int, before: RunCursor?) async throws -> [RunReport] {
        let name = operation?.name
        let startedBefore = before?.startedAt ?? .distantFuture
        let idBefore = before?.runID ?? ""
        return try await PostgresStoreCall.run("cannot read the run history") {
            let rows = try await postgres.query(
                """
                SELECT header FROM runs
                WHERE (\(name)::text IS NULL OR operation = \(name))
                  AND (\(before == nil) OR (started_at, run_id) < (\(startedBefore), \(idBefore)))
                ORDER BY started_at DESC, run_id DESC LIMIT \(limit)
                """
            )
            return try rows.map { try StoredRunReport.decode(header: try $0.decode(String.self), items: nil) }
        }
    }

    public func run(id: String) async throws -> RunReport? {
        try await PostgresStoreCall.run("cannot read the run") {
            let rows = try await postgres.query("SELECT header, items FROM runs WHERE run_id = \(id)")
            guard let row = rows.first else { return nil }
            let (header, items) = try row.decode((String, String).self)
            return try StoredRunReport.decode(header: header, items: items)
        }
    }

    public func purge(endedBefore date: Date) async throws -> Int {
        try await PostgresStoreCall.run("cannot purge the run history") {
            try await postgres.query("DELETE FROM runs WHERE ended_at < \(date) RETURNING 1").count
        }
    }

    public func tallies(since date: Date, operations: [RunOperation]) async throws -> [RunTally] {
        let names = operations.map(\.name)
        return try await PostgresStoreCall.run("cannot read the run history") {
            // The counts are read in SQL: the chart never decodes a whole header per run.
            let rows = try await postgres.query(
                """
                SELECT operation, started_at,
                       COALESCE((header::jsonb #>> '{summary,applied}')::bigint, 0),
                       COALESCE((header::jsonb #>> '{summary,failed}')::bigint, 0)
                FROM runs
                WHERE started_at >= \(date) AND operation = ANY(\(names)::text[])
                  AND NOT COALESCE((header::jsonb ->> 'dryRun')::boolean, false)
                ORDER BY started_at
                """
            )
            return try rows.map { row in
                let (operation, startedAt, applied, failed) = try row.decode((String, Date, Int, Int).self)
                return RunTally(operation: operation, startedAt: startedAt, applied: applied, failed: failed)
            }
        }
    }
}
