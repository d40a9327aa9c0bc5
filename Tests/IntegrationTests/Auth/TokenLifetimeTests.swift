import Application
@testable import Bootstrap
import Foundation
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// A clock the test moves forward.
final class MovableClock: WallClock, Sendable {
    private let offset = Mutex<TimeInterval>(0)
    func now() -> Date { Date().addingTimeInterval(offset.withLock { $0 }) }
    func advance(by seconds: TimeInterval) { offset.withLock { $0 += seconds } }
}

extension LiveServices {
    /// REFRESH_MAX_LIFETIME bounds a login however often it is refreshed.
    @Suite struct TokenLifetimeTests {
        let services = TestServices.shared

        @Test func aFamilyCannotBeRefreshedPastItsAbsoluteLifetime() async throws {
            let clock = MovableClock()
            let settings = try services.settings(["REFRESH_MAX_LIFETIME": "120"])
            let app = try await Composition.makeApplication(settings: settings, store: try services.embeddedStore(), clock: clock, logger: Logger(label: "lifetime"))
            try await app.test(.router) { client in
                let login = try await client.login("orchestrator", "orchestrator-pass")
                clock.advance(by: 60)
                let renewed = try await client.json(.post, "/api/refresh", body: ["token": try #require(login["refresh_token"])])
                #expect(renewed.status == .ok)
                let access = try #require(renewed["access_token"])
                clock.advance(by: 70)
                let tooOld = try await client.json(.post, "/api/refresh", body: ["token": try #require(renewed["refresh_token"])])
                #expect(tooOld.status == .badRequest && tooOld.message == "invalid token")
                // The family is revoked with it, access tokens included.
                #expect(try await client.json(.get, "/api/session", bearer: access).errorCode == "auth.token_revoked")
                // A new login starts a new family.
                #expect(try await client.login("orchestrator", "orchestrator-pass").status == .ok)
            }
        }

        @Test func theLimitsAreConfigured() throws {
            #expect(try services.settings().refreshMaxLifetime == 2_592_000)
            #expect(try services.settings(["REFRESH_MAX_LIFETIME": "0"]).refreshMaxLifetime == nil)
            #expect(throws: ConfigurationError(key: "REFRESH_MAX_LIFETIME", reason: "must be 0 (no limit) or at least 60 (got 30)")) {
                try services.settings(["REFRESH_MAX_LIFETIME": "30"])
            }
            #expect(throws: ConfigurationError(key: "TOKEN_EXPIRY", reason: "must be an integer in 10...3600 (got 7200)")) {
                try services.settings(["TOKEN_EXPIRY": "7200"])
            }
        }
    }
}
