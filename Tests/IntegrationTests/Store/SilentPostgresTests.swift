@testable import StateStoreAdapter
import Application
import Foundation
import Logging
import Testing

/// Hung dependencies: a server that accepts TCP connections and never answers the start-up. The
/// pool would keep a store call waiting while it retries (about a minute); the bound on getting a
/// connection answers `store.unavailable` after STORE_TIMEOUT_SECONDS instead, call after call.
@Suite struct SilentPostgresTests {
    @Test(.timeLimit(.minutes(1)))
    func aServerThatNeverAnswersFailsEveryStoreCallWithinTheBound() async throws {
        let silent = try SilentListener()
        let url = "postgres://orchestrator:secret@127.0.0.1:\(silent.port)/orchestrator?sslmode=disable"
        let database = try PostgresDatabase(url: url, timeout: .seconds(1), logger: Logger(label: "silent-pg"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.client.run() }
            defer { group.cancelAll() }
            let history = PostgresRunHistory(database: database)
            let tokens = PostgresTokenStore(database: database)
            let calls: [(String, () async throws -> Void)] = [
                ("read runs", { _ = try await history.runs(operation: nil, limit: 10, before: nil) }),
                ("start a family", {
                    try await tokens.startFamily(familyID: "f", subject: "cn=x", tokenHash: "h", accountFingerprint: nil, expiresAt: Date(), now: Date())
                }),
                ("read runs again", { _ = try await history.runs(operation: nil, limit: 10, before: nil) }),
            ]
            for (name, call) in calls {
                let started = ContinuousClock.now
                do {
                    try await call()
                    Issue.record("\(name): a silent server answered")
                } catch let error as StoreError {
                    #expect(error.code == "store.unavailable", "\(name): \(error)")
                }
                #expect(ContinuousClock.now - started < .seconds(4), "\(name) with a 1 s bound")
            }
        }
    }
}
