@testable import Bootstrap
import Foundation
import Logging
import Testing

extension LiveServices {
    /// Hung dependencies: a PostgreSQL that accepts connections and never answers (its processes
    /// stopped with SIGSTOP) costs each request STORE_TIMEOUT_SECONDS, then `503 store.unavailable`;
    /// once it answers again, so does the service.
    @Suite struct FrozenPostgresTests {
        let services = TestServices.shared

        @Test(.timeLimit(.minutes(2)))
        func loginRefreshAndARunAnswer503WithinTheStoreBoundWhilePostgreSQLIsFrozen() async throws {
            try services.freshFixtureAndMailbox()
            defer { try? services.freshFixtureAndMailbox() }
            let settings = try services.settings([
                "DATABASE_URL": try services.require("ORCH_TEST_DATABASE_URL", for: "PostgreSQL"),
                "STORE_TIMEOUT_SECONDS": "1",
            ])
            let logger = Logger(label: "frozen-postgres")
            let app = try await Composition.makeApplication(settings: settings, store: try Composition.store(settings, logger: logger), logger: logger)
            try await app.test(.router) { client in
                // Pooled connections exist before the freeze: their next query is the one that hangs.
                let login = try await client.login("orchestrator", "orchestrator-pass")
                #expect(login.status == .ok)
                let access = try #require(login["access_token"])
                let refresh = try #require(login["refresh_token"])

                try services.runServices("freeze-postgres")
                var frozen = true
                defer { if frozen { try? services.runServices("thaw-postgres") } }

                let requests: [(String, () async throws -> JSONResponse)] = [
                    ("login", { try await client.login("orchestrator", "orchestrator-pass") }),
                    ("refresh", { try await client.json(.post, "/api/refresh", body: ["token": refresh]) }),
                    ("mail run", { try await client.json(.patch, "/api/tasks/mail", bearer: access) }),
                    ("second login", { try await client.login("orchestrator", "orchestrator-pass") }),
                ]
                for (name, request) in requests {
                    let started = ContinuousClock.now
                    let response = try await request()
                    let elapsed = ContinuousClock.now - started
                    #expect(response.status == .serviceUnavailable, "\(name): \(response.body)")
                    #expect(response.errorCode == "store.unavailable", "\(name): \(response.body)")
                    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, "\(name)")
                    #expect(elapsed < .seconds(8), "\(name) took \(elapsed) with a 1 s bound")
                }

                try services.runServices("thaw-postgres")
                frozen = false
                let after = try await client.login("orchestrator", "orchestrator-pass")
                #expect(after.status == .ok, "\(after.body)")
                let renewed = try await client.json(.post, "/api/refresh", body: ["token": refresh])
                #expect(renewed.status == .ok, "the refresh token was not spent by the frozen attempt: \(renewed.body)")
            }
        }
    }
}
