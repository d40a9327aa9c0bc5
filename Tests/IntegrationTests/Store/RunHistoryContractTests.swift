@testable import InMemoryAdapter
@testable import StateStoreAdapter
import Application
import Foundation
import Logging
import Testing

extension LiveServices {
    /// One contract, every run history: saved runs come back whole, listings are newest first
    /// without items, pages never repeat or skip a run, old runs are purged.
    @Suite struct RunHistoryContractTests {
        let services = TestServices.shared
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        /// Unique per test: the PostgreSQL database is shared with other tests and earlier runs.
        let id = UUID().uuidString

        private func withHistory(_ backend: JournalBackend, _ body: (any RunHistory) async throws -> Void) async throws {
            switch backend {
            case .memory:
                try await body(InMemoryRunHistory())
            case .postgres, .embedded:
                let location = try StoreLocation(backend == .postgres ? .postgres : .embedded, services: services, name: "run-history")
                defer { location.cleanUp() }
                try await location.open(
                    postgres: { PostgresRunHistory(database: $0, logger: $1) as any RunHistory },
                    embedded: { database, _ in SQLiteRunHistory(database: database) as any RunHistory },
                    body
                )
            }
        }

        private func report(_ index: Int, operation: String = "mail", startedAt: Date? = nil, items: Int = 2) -> RunReport {
            var summary = RunReport.Summary()
            summary.due = items
            summary.applied = items
            let start = startedAt ?? now + Double(index)
            return RunReport(
                runID: "\(id)-\(index)", operation: operation, trigger: .http, dryRun: false, asOf: start, startedAt: start,
                endedAt: start + 0.25, summary: summary, skippedReason: nil,
                items: (0..<items).map { .init(subTask: "cn=s\($0),ou=tasks,dc=example,dc=org", target: "u\($0)@example.org", outcome: .applied) }
            )
        }

        @Test(arguments: JournalBackend.all)
        func aSavedRunComesBackWholeAndListingsCarryNoItems(_ backend: JournalBackend) async throws {
            try await withHistory(backend) { history throws in
                let saved = report(0, items: 3)
                try await history.save(saved)
                #expect(try await history.run(id: saved.runID) == saved)
                #expect(try await history.run(id: "\(id)-missing") == nil)
                let listed = try await history.runs(operation: .kind(.mail), limit: 500, before: nil).filter { $0.runID.hasPrefix(id) }
                #expect(listed == [saved.header])
            }
        }

        @Test(arguments: JournalBackend.all)
        func pagesAreNewestFirstAndNeverRepeatARun(_ backend: JournalBackend) async throws {
            try await withHistory(backend) { history throws in
                // Far in the future and later at every invocation — by 100 s per second, so the 6 s this
                // test's runs span never overlap an earlier invocation's — so they come first in the
                // shared database; two of them share a start.
                let base = Date(timeIntervalSince1970: 4_000_000_000 + now.timeIntervalSince1970 * 100)
                let runs = (0..<7).map { report($0, operation: $0 == 3 ? "audit" : "mail", startedAt: base + Double($0 == 5 ? 4 : $0)) }
                for run in runs { try await history.save(run) }
                var seen: [String] = []
                var cursor: RunCursor?
                repeat {
                    let page = try await history.runs(operation: .kind(.mail), limit: 2, before: cursor)
                    seen += page.map(\.runID).filter { $0.hasPrefix(id) }
                    cursor = page.count == 2 ? page.last.map { RunCursor(startedAt: $0.startedAt, runID: $0.runID) } : nil
                    if page.contains(where: { !$0.runID.hasPrefix(id) }) { break }
                } while cursor != nil
                let expected = runs.filter { $0.operation == "mail" }.sorted { ($0.startedAt, $0.runID) > ($1.startedAt, $1.runID) }.map(\.runID)
                #expect(seen == expected)
            }
        }

        @Test(arguments: JournalBackend.all)
        func talliesCountTheChosenOperationsSinceADateWithoutDryRuns(_ backend: JournalBackend) async throws {
            try await withHistory(backend) { history throws in
                // A window of its own in the early 1980s: runs of other tests in a shared database stay
                // out of it, and these runs never come first in their newest-first pages.
                let since = Date(timeIntervalSince1970: 315_532_800 + Double(Int.random(in: 0..<1_000_000)) * 100)
                func run(_ index: Int, _ operation: String, at offset: TimeInterval, applied: Int, failed: Int, dryRun: Bool = false) -> RunReport {
                    var summary = RunReport.Summary()
                    summary.applied = applied
                    summary.failed = failed
                    let start = since + offset
                    return RunReport(
                        runID: "\(id)-t\(index)", operation: operation, trigger: .schedule, dryRun: dryRun, asOf: start, startedAt: start,
                        endedAt: start + 1, summary: summary, skippedReason: nil, items: []
                    )
                }
                for report in [
                    run(0, "mail", at: 10, applied: 3, failed: 1),
                    run(1, "mail", at: 20, applied: 9, failed: 9, dryRun: true),
                    run(2, "audit", at: 30, applied: 5, failed: 0),
                    run(3, "reminder", at: -10, applied: 7, failed: 0),
                    run(4, "notifications", at: 40, applied: 0, failed: 2),
                ] { try await history.save(report) }
                let tallies = try await history.tallies(since: since, operations: [.kind(.mail), .kind(.reminder), .kind(.notifications)])
                    .filter { $0.startedAt < since + 100 }
                #expect(tallies == [
                    RunTally(operation: "mail", startedAt: since + 10, applied: 3, failed: 1),
                    RunTally(operation: "notifications", startedAt: since + 40, applied: 0, failed: 2),
                ])
                #expect(try await history.tallies(since: since, operations: []).filter { $0.startedAt < since + 100 }.isEmpty)
            }
        }

        @Test(arguments: JournalBackend.all)
        func runsPastTheRetentionArePurged(_ backend: JournalBackend) async throws {
            try await withHistory(backend) { history throws in
                let old = report(0, startedAt: Date(timeIntervalSince1970: 1_000))
                let recent = report(1)
                try await history.save(old)
                try await history.save(recent)
                #expect(try await history.purge(endedBefore: Date(timeIntervalSince1970: 2_000)) >= 1)
                #expect(try await history.run(id: old.runID) == nil)
                #expect(try await history.run(id: recent.runID) == recent)
            }
        }
    }
}
