import Application
import Domain
import Foundation
import Logging
import PostgresNIO

/// The run history on PostgreSQL (table `runs`, migration 4), shared by every replica.
public struct PostgresRunHistory: RunHistory {
    private let client: PostgresClient
    private let logger: Logger

    public init(database: PostgresDatabase, logger: Logger = Logger(label: "run-history")) {
        client = database.client
        self.logger = logger
    }

    public func save(_ report: RunReport) async throws {
        let header = try StoredRunReport.header(report)
        let items = try StoredRunReport.items(report)
        try await PostgresStoreCall.run("cannot save the run") {
            try await client.query(
                """
                INSERT INTO runs (run_id, operation, started_at, ended_at, header, items)
                VALUES (\(report.runID), \(report.operation), \(report.startedAt), \(report.endedAt), \(header), \(items))
                ON CONFLICT (run_id) DO UPDATE SET ended_at = EXCLUDED.ended_at, header = EXCLUDED.header, items = EXCLUDED.items
                """,
                logger: logger
            )
        }
    }

    public func runs(operation: RunOperation?, limit: Int, before: RunCursor?) async throws -> [RunReport] {
        let name = operation?.name
        let startedBefore = before?.startedAt ?? .distantFuture
        let idBefore = before?.runID ?? ""
        return try await PostgresStoreCall.run("cannot read the run history") {
            let rows = try await client.query(
                """
                SELECT header FROM runs
                WHERE (\(name)::text IS NULL OR operation = \(name))
                  AND (\(before == nil) OR (started_at, run_id) < (\(startedBefore), \(idBefore)))
                ORDER BY started_at DESC, run_id DESC LIMIT \(limit)
                """,
                logger: logger
            )
            var runs: [RunReport] = []
            for try await header in rows.decode(String.self) { runs.append(try StoredRunReport.decode(header: header, items: nil)) }
            return runs
        }
    }

    public func run(id: String) async throws -> RunReport? {
        try await PostgresStoreCall.run("cannot read the run") {
            let rows = try await client.query("SELECT header, items FROM runs WHERE run_id = \(id)", logger: logger)
            for try await (header, items) in rows.decode((String, String).self) {
                return try StoredRunReport.decode(header: header, items: items)
            }
            return nil
        }
    }

    public func purge(endedBefore date: Date) async throws -> Int {
        try await PostgresStoreCall.run("cannot purge the run history") {
            var count = 0
            for try await _ in try await client.query("DELETE FROM runs WHERE ended_at < \(date) RETURNING 1", logger: logger) { count += 1 }
            return count
        }
    }
}
