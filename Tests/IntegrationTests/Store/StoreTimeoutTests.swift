@testable import StateStoreAdapter
import Application
import Foundation
import Logging
import Testing

/// Hung dependencies: a PostgreSQL that accepts connections and never answers costs each store
/// call STORE_TIMEOUT_SECONDS, then `store.unavailable`, never a hang.
@Suite struct StoreTimeoutTests {
    @Test(.timeLimit(.minutes(1)))
    func aDatabaseThatNeverAnswersFailsEachCallWithinItsBound() async throws {
        let silent = try SilentListener()
        let database = try PostgresDatabase(url: "postgres://orchestrator:x@127.0.0.1:\(silent.port)/orchestrator?sslmode=disable", timeout: .seconds(1), logger: Logger(label: "silent-pg"))
        let pool = Task { await database.client.run() }
        defer { pool.cancel() }
        let history = PostgresRunHistory(database: database)
        let tokens = PostgresTokenStore(database: database)
        for call in 0..<2 {
            let started = ContinuousClock.now
            await #expect(throws: StoreError.self) { _ = try await history.runs(operation: nil, limit: 10, before: nil) }
            await #expect(throws: StoreError.self) {
                try await tokens.startFamily(familyID: "f\(call)", subject: "cn=x", tokenHash: "h\(call)", expiresAt: Date(), now: Date())
            }
            #expect(ContinuousClock.now - started < .seconds(5), "call \(call)")
        }
        do {
            _ = try await history.run(id: "x")
            Issue.record("expected a failure")
        } catch let error as StoreError {
            #expect(error.code == "store.unavailable", "\(error)")
        }
    }
}
