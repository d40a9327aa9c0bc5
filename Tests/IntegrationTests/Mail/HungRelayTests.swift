@testable import Bootstrap
import Foundation
import Logging
import Testing
extension LiveServices {
    /// Hung dependencies: a relay that never greets costs a few bounded attempts per run, not one
    /// timeout per message.
    @Suite struct HungRelayTests {
        let services = TestServices.shared

        @Test(.timeLimit(.minutes(2)))
        func aRelayThatNeverGreetsStopsTheRunAfterThreeBoundedAttempts() async throws {
            try services.freshFixtureAndMailbox()
            defer { try? services.freshFixtureAndMailbox() }
            let relay = try SilentListener()
            let recipients = try await services.bulkMail(20, prefix: "hung")
            let settings = try services.settings(["MAIL_HOST": "127.0.0.1", "MAIL_PORT": String(relay.port), "MAIL_CONNECT_TIMEOUT_SECONDS": "1"])
            let app = try await Composition.makeApplication(settings: settings, store: services.embeddedStore(), logger: Logger(label: "hung-relay"))
            let started = ContinuousClock.now
            try await app.test(.router) { client in
                let token = try #require(try await client.login("orchestrator", "orchestrator-pass")["access_token"])
                let report = try await client.json(.patch, "/api/tasks/mail", bearer: token)
                #expect(report.status == .ok)
                let items = (report.body["items"] as? [[String: any Sendable]] ?? []).filter { ($0["target"] as? String)?.hasPrefix("hung-") == true }
                #expect(items.filter { $0["outcome"] as? String == "deferred" }.count == 3, "\(items)")
                let stopped = items.filter { ($0["detail"] as? String)?.hasPrefix("run stopped after 3 consecutive connection failures") == true }
                #expect(stopped.count == recipients.count - 3)
            }
            #expect(ContinuousClock.now - started < .seconds(30), "three bounded attempts, not twenty")
            for dn in try await services.statuses("hung").keys { #expect(try await services.status(of: dn) == "1") }
        }
    }
}
