@testable import Bootstrap
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

extension LiveServices {
    /// Retries against the real SMTP sink: a relay answering 451 gets the item retried with
    /// growing delays, then dead after the maximum (the sub-task fails with the reply), then
    /// re-driven through the API and delivered once.
    @Suite struct RetryLiveTests {
        let services = TestServices.shared

        /// MAIL_RATE_PER_MINUTE=120 against the real sink: six messages take at least 2.5 s.
        @Test(.timeLimit(.minutes(1)))
        func aRateSpacesTheMessagesOfARun() async throws {
            try services.freshFixtureAndMailbox()
            defer { try? services.freshFixtureAndMailbox() }
            _ = try await services.bulkMail(6, prefix: "paced")
            let settings = try services.settings(["MAIL_RATE_PER_MINUTE": "120"])
            let app = try await Composition.makeApplication(settings: settings, store: services.embeddedStore(), logger: Logger(label: "paced"))
            try await app.test(.router) { client in
                let token = try #require(try await client.login("orchestrator", "orchestrator-pass")["access_token"])
                let started = ContinuousClock.now
                let reply = try await client.json(.patch, "/api/tasks/mail", bearer: token)
                let took = ContinuousClock.now - started
                #expect(reply.status == .ok)
                let received = try services.receivedCounts("paced-")
                #expect(received.count == 6 && received.values.allSatisfy { $0 == 1 })
                // The fixture's own due mail goes out too: at least 6 messages, 0.5 s apart.
                #expect(took >= .milliseconds(2_500), "took \(took)")
            }
        }

        @Test(.timeLimit(.minutes(2)))
        func a451IsRetriedWithBackoffThenDeadThenReDrivenAndDelivered() async throws {
            try services.freshFixtureAndMailbox()
            defer {
                try? services.setSinkMode("accept")
                try? services.freshFixtureAndMailbox()
            }
            let recipients = try await services.bulkMail(1, prefix: "dead")
            let subTask = "cn=dead-SubTask-0,ou=tasks,dc=example,dc=org"
            // This recipient alone is refused (greylisted): not a burst, every refusal is an attempt.
            try services.setSinkMode("defer451:\(recipients[0])")
            let settings = try services.settings(["RETRY_BASE_SECONDS": "4", "RETRY_CAP_SECONDS": "8", "RETRY_MAX_ATTEMPTS": "3"])
            let app = try await Composition.makeApplication(settings: settings, store: services.embeddedStore(), logger: Logger(label: "retry"))
            try await app.test(.router) { client in
                let token = try #require(try await client.login("orchestrator", "orchestrator-pass")["access_token"])
                func run() async throws -> (outcome: String?, detail: String?) {
                    let reply = try await client.json(.patch, "/api/tasks/mail", bearer: token)
                    let items = reply.body["items"] as? [[String: any Sendable]] ?? []
                    let item = items.first { $0["subtask"] as? String == subTask }
                    return (item?["outcome"] as? String, item?["detail"] as? String)
                }

                // Attempt 1: deferred; a run right after waits for the backoff (2–4 s: wide enough
                // that a slow machine's next request still comes before it).
                #expect(try await run().outcome == "deferred")
                let waiting = try await run()
                #expect(waiting.outcome == "skipped" && waiting.detail?.hasPrefix("next attempt after") == true, "\(waiting)")
                try await Task.sleep(for: .milliseconds(4_100))
                // Attempt 2: deferred again, the delay grew (4–8 s).
                #expect(try await run().outcome == "deferred")
                #expect(try await run().outcome == "skipped")
                try await Task.sleep(for: .milliseconds(8_100))
                // Attempt 3 is the last: dead, and the sub-task carries the relay's reply.
                let dead = try await run()
                #expect(dead.outcome == "failed" && dead.detail?.hasPrefix("gave up after 3 attempts; last: 451") == true, "\(dead)")
                let status = try #require(try await services.statuses("dead")[subTask])
                #expect(status.hasPrefix("gave up after 3 attempts; last: 451"), "\(status)")
                #expect(try services.receivedCounts("dead-").isEmpty)

                // The listing shows it failed; an operator re-drives it and the next run delivers it.
                try services.setSinkMode("accept")
                let redriven = try await client.json(.post, "/api/runs/redrive", body: ["operation": "mail", "subtask": subTask], bearer: token)
                #expect(redriven.status == .ok)
                #expect(redriven["status"] == "1" && redriven["previousStatus"] == status)
                #expect(try await run().outcome == "applied")
                #expect(try await services.statuses("dead")[subTask] == "2")
                #expect(try services.receivedCounts("dead-") == [recipients[0]: 1])

                // A sub-task that has not failed is not re-driven; a bad body is a clear 400.
                let again = try await client.json(.post, "/api/runs/redrive", body: ["operation": "mail", "subtask": subTask], bearer: token)
                #expect(again.status == .conflict && again.errorCode == "run.subtask_not_failed")
                let bad = try await client.json(.post, "/api/runs/redrive", body: ["subtask": 5], bearer: token)
                #expect(bad.status == .badRequest && bad.errorCode == "run.invalid_redrive")
                let missing = try await client.json(.post, "/api/runs/redrive", body: ["operation": "mail", "subtask": "cn=nope,ou=tasks,dc=example,dc=org"], bearer: token)
                #expect(missing.status == .notFound && missing.errorCode == "run.subtask_not_found")
            }
        }
    }
}
