@testable import Bootstrap
@testable import LDAPAdapter
@testable import StateStoreAdapter
import Application
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension LiveServices {
    /// The run engine against the real slapd, SMTP sink and PostgreSQL: unknown outcomes and their
    /// settlement, overlapping runs with renewals, dry-runs, runs longer than their lease.
    @Suite struct RunEngineLiveTests {
        let services = TestServices.shared

        func items(_ report: [String: any Sendable]) -> [[String: any Sendable]] {
            report["items"] as? [[String: any Sendable]] ?? []
        }

        func item(_ report: [String: any Sendable], target: String) -> [String: any Sendable]? {
            items(report).first { $0["target"] as? String == target }
        }

        @Test(.timeLimit(.minutes(2)))
        func aReplyLostAfterTheDataIsUnknownNeverResentAndSettledAsSent() async throws {
            try services.freshFixtureAndMailbox()
            defer {
                try? services.setSinkMode("accept")
                try? services.freshFixtureAndMailbox()
            }
            let recipient = try #require(try await services.bulkMail(1, prefix: "lost").first)
            let dn = "cn=lost-SubTask-0,ou=tasks,dc=example,dc=org"
            let app = try await Composition.makeApplication(settings: try services.settings(), store: services.embeddedStore(), logger: Logger(label: "lost"))
            try await app.test(.router) { client in
                let token = try #require(try await client.login("orchestrator", "orchestrator-pass")["access_token"])
                try services.setSinkMode("drop-after-data")
                let first = try await client.json(.patch, "/api/tasks/mail", bearer: token)
                #expect(first.status == .ok)
                #expect(item(first.body, target: recipient)?["outcome"] as? String == "unknown")
                let runID = try #require(first["runId"])

                // The history shows it too.
                let stored = try await client.json(.get, "/api/runs/\(runID)", bearer: token)
                #expect(stored.status == .ok)
                #expect(item(stored.body, target: recipient)?["outcome"] as? String == "unknown")

                // A later run with a healthy server does not send it again.
                try services.setSinkMode("accept")
                let second = try await client.json(.patch, "/api/tasks/mail", bearer: token)
                #expect(item(second.body, target: recipient)?["outcome"] as? String == "unknown")
                #expect(try services.receivedCounts("lost-")[recipient] == 1)
                #expect(try await services.status(of: dn) == "1")

                // The operator checked the mail log: it arrived.
                let settled = try await client.json(.post, "/api/runs/resolve", body: [
                    "operation": "mail", "subtask": dn, "target": recipient, "resolution": "sent",
                ], bearer: token)
                #expect(settled.status == .ok)
                #expect((settled["detail"] ?? "").contains("orchestrator"))
                #expect(try await services.status(of: dn) == "2")
                let again = try await client.json(.post, "/api/runs/resolve", body: [
                    "operation": "mail", "subtask": dn, "target": recipient, "resolution": "sent",
                ], bearer: token)
                #expect(again.status == .conflict && again.errorCode == "run.item_not_unknown")

                let listed = try await client.json(.get, "/api/runs?operation=mail&limit=1", bearer: token)
                let runs = listed.body["runs"] as? [[String: any Sendable]] ?? []
                #expect(runs.count == 1 && runs.first?["runId"] as? String == second["runId"])
                #expect(listed.body["next"] is String)
                #expect(try await client.json(.get, "/api/runs?limit=0", bearer: token).errorCode == "run.invalid_query")
                #expect(try await client.json(.get, "/api/runs/no-such-run", bearer: token).status == .notFound)
            }
        }

        /// 80 PATCHes 50 ms apart on two replicas sharing PostgreSQL, 300 due sub-tasks, 20 of them
        /// renewed in FD (status back to 1) after they were sent: one message per recipient and
        /// renewal generation, never more.
        @Test(.timeLimit(.minutes(4)))
        func overlappingRunsOnTwoReplicasWithRenewalsSendOnePerGeneration() async throws {
            try services.freshFixtureAndMailbox()
            defer { try? services.freshFixtureAndMailbox() }
            let recipients = try await services.bulkMail(300, prefix: "ovl")
            let settings = try services.settings()
            let replicaA = try await Composition.makeApplication(settings: settings, store: services.postgresStore(), logger: Logger(label: "a"))
            let replicaB = try await Composition.makeApplication(settings: settings, store: services.postgresStore(), logger: Logger(label: "b"))
            let ldap = try services.ldap()
            let renewed = try await replicaA.test(.router) { a in
                try await replicaB.test(.router) { b in
                    let tokenA = try #require(try await a.login("orchestrator", "orchestrator-pass")["access_token"])
                    let tokenB = try #require(try await b.login("orchestrator", "orchestrator-pass")["access_token"])
                    return try await withThrowingTaskGroup(of: Set<String>.self, returning: Set<String>.self) { group in
                        for index in 0..<80 {
                            let (client, token) = index % 2 == 0 ? (a, tokenA) : (b, tokenB)
                            group.addTask {
                                let reply = try await client.json(.patch, "/api/tasks/mail", bearer: token)
                                #expect(reply.status == .ok, "\(reply.errorCode ?? "") \(reply.message ?? "")")
                                return []
                            }
                            if index == 40 {
                                group.addTask {
                                    // FD's "Renew" on 20 sub-tasks already sent, in the middle of the storm.
                                    var done: [String] = []
                                    let deadline = ContinuousClock.now + .seconds(60)
                                    while done.count < 20, ContinuousClock.now < deadline {
                                        done = Array(try await services.statuses("ovl").filter { $0.value == "2" }.keys.sorted().prefix(20))
                                        if done.count < 20 { try await Task.sleep(for: .milliseconds(20)) }
                                    }
                                    for dn in done { try await ldap.modify(dn, [.replace("fdTasksGranularStatus", ["1"])]) }
                                    return Set(done)
                                }
                            }
                            try await Task.sleep(for: .milliseconds(50))
                        }
                        let renewed = try await group.reduce(into: Set<String>()) { $0.formUnion($1) }
                        // One more run after the storm: whatever was renewed last is sent now.
                        _ = try await a.json(.patch, "/api/tasks/mail", bearer: tokenA)
                        return renewed
                    }
                }
            }
            #expect(renewed.count == 20)
            let renewedRecipients = Set(renewed.compactMap { $0.split(separator: ",").first?.split(separator: "-").last.map { "ovl-\($0)@example.org" } })
            var messageIDs: [String: [String]] = [:]
            for message in try SMTPSink(services: services).all() {
                guard let to = message.header("To")?.trimmingCharacters(in: CharacterSet(charactersIn: "<>")), to.hasPrefix("ovl-") else { continue }
                messageIDs[to, default: []].append(message.header("Message-ID") ?? "")
            }
            #expect(Set(messageIDs.keys) == Set(recipients))
            for recipient in recipients {
                let ids = messageIDs[recipient, default: []]
                let expected = renewedRecipients.contains(recipient) ? 2 : 1
                #expect(ids.count == expected, "\(recipient): \(ids.count) messages, expected \(expected)")
                #expect(Set(ids).count == ids.count, "\(recipient): a generation was sent twice")
            }
            #expect(try await services.statuses("ovl").values.allSatisfy { $0 == "2" })
        }

        /// A dry-run reports every due sub-task and leaves the directory, the sink and the journal
        /// exactly as they were.
        @Test(.timeLimit(.minutes(2)))
        func aDryRunChangesNothing() async throws {
            try services.freshFixtureAndMailbox()
            defer { try? services.freshFixtureAndMailbox() }
            _ = try await services.bulkMail(5, prefix: "dry")
            let store = try services.embeddedStore()
            let app = try await Composition.makeApplication(settings: try services.settings(), store: store, logger: Logger(label: "dry"))
            let ldap = try services.ldap()
            // Every entry with its operational attributes (modifyTimestamp, entryCSN): any write shows.
            @Sendable func directory() async throws -> [DirectoryEntry] {
                try await ldap.search(base: "dc=example,dc=org", filter: .present("objectClass"), attributes: ["*", "+"]).sorted { $0.dn < $1.dn }
            }
            try await app.test(.router) { client in
                let token = try #require(try await client.login("orchestrator", "orchestrator-pass")["access_token"])
                // A real run first, so the journal holds something to keep unchanged; then five more due.
                _ = try await client.json(.patch, "/api/tasks/mail", bearer: token)
                _ = try await services.bulkMail(5, prefix: "dry2")
                let dns = Array(try await services.statuses("dry").keys) + Array(try await services.statuses("dry2").keys)
                let ldapBefore = try await directory()
                let mailBefore = try FileManager.default.contentsOfDirectory(atPath: try services.require("ORCH_TEST_SMTP_MAILDIR", for: "the sink")).sorted()
                let journalBefore = try await store.work.records(forSubTasks: Array(dns), operation: .kind(.mail))
                let historyBefore = try await store.history.runs(operation: nil, limit: 500, before: nil)

                let preview = try await client.json(.patch, "/api/tasks/mail?dryRun=true", bearer: token)
                #expect(preview.status == .ok)
                #expect(preview.body["dryRun"] as? Double == 1)  // SendableJSON reads JSON true as 1
                #expect(items(preview.body).filter { ($0["subtask"] as? String ?? "").contains("dry2-") }.allSatisfy { $0["outcome"] as? String == "wouldApply" })
                #expect(items(preview.body).filter { ($0["subtask"] as? String ?? "").contains("dry2-") }.count == 5)
                let past = try await client.json(.patch, "/api/tasks/mail?dryRun=true&asOf=2020-01-01T00:00:00Z", bearer: token)
                #expect((past.body["summary"] as? [String: any Sendable])?["due"] as? Double == 0)
                #expect(try await client.json(.patch, "/api/tasks/mail?asOf=2020-01-01T00:00:00Z", bearer: token).errorCode == "run.invalid_query")
                #expect(try await client.json(.patch, "/api/tasks/mail?dryRun=maybe", bearer: token).status == .badRequest)

                #expect(try await directory() == ldapBefore)
                #expect(try FileManager.default.contentsOfDirectory(atPath: try services.require("ORCH_TEST_SMTP_MAILDIR", for: "the sink")).sorted() == mailBefore)
                #expect(try await store.work.records(forSubTasks: Array(dns), operation: .kind(.mail)) == journalBefore)
                #expect(try await store.history.runs(operation: nil, limit: 500, before: nil) == historyBefore)
            }
        }

        /// 1,000 messages through a sink slowed to 50 messages/s, with a 5 s lease: one run sends
        /// them all (its heartbeat keeps its claims). Killed halfway, the claims of the dead run are
        /// taken over only after the lease expires; SIGTERM ends a run within its bound and hands
        /// back what it held.
        @Test(.timeLimit(.minutes(5)))
        func aRunLongerThanItsLeaseFinishesAndADeadRunsClaimsWaitForTheLease() async throws {
            try services.freshFixtureAndMailbox()
            defer {
                try? services.setSinkMode("accept")
                try? services.freshFixtureAndMailbox()
            }
            _ = try await services.bulkMail(1_000, prefix: "slow")
            try services.setSinkMode("delay:20")
            let state = FileManager.default.temporaryDirectory.appendingPathComponent("slow-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: state) }
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("slow-\(UUID()).log").path
            var environment = try services.settingsValues(["MAIL_LEASE_SECONDS": "5", "LOG_LEVEL": "warning", "SHUTDOWN_TIMEOUT_SECONDS": "10"])
            environment["ORCHESTRATOR_STATE_DIR"] = state
            let port = ServiceProcess.freePort()

            // One run, about 20 s, four times its lease.
            let service = try await ServiceProcess.start(environment: environment, port: port, log: log)
            let token = try await service.token()
            let started = ContinuousClock.now
            let whole = try await service.request(.PATCH, "/api/tasks/mail", bearer: token, timeout: .seconds(180))
            let took = ContinuousClock.now - started
            #expect(whole.status == 200)
            // The demo directory's own due mail goes out too.
            #expect((whole.body["summary"] as? [String: Int])?["applied"] ?? 0 >= 1_000, "took \(took)")
            #expect(took > .seconds(10), "the sink was not slowed down")
            #expect(try services.receivedCounts("slow-").count == 1_000)

            // SIGTERM mid-run: the process ends within its bound, what the run held is free at once.
            try services.freshFixtureAndMailbox()
            _ = try await services.bulkMail(300, prefix: "term")
            try services.setSinkMode("delay:20")
            let run = Task { try? await service.request(.PATCH, "/api/tasks/mail", bearer: token, timeout: .seconds(60)) }
            try await waitForMessages("term-", atLeast: 50)
            let stopped = service.kill(SIGTERM, within: .seconds(15))
            _ = await run.value
            #expect(stopped < .seconds(11), "SIGTERM took \(stopped)")
            let afterTerm = try services.receivedCounts("term-").count
            #expect(afterTerm < 300)

            // A new process right away: nothing is held, nothing is unknown, the rest goes out.
            let next = try await ServiceProcess.start(environment: environment, port: port, log: log)
            defer { next.kill(SIGTERM) }
            let nextToken = try await next.token()
            try services.setSinkMode("accept")
            let rest = try await next.request(.PATCH, "/api/tasks/mail", bearer: nextToken, timeout: .seconds(60))
            let summary = rest.body["summary"] as? [String: Int] ?? [:]
            #expect(summary["unknown"] == 0 && summary["skipped"] == 0, "\(summary)")
            let counts = try services.receivedCounts("term-")
            #expect(counts.count == 300 && counts.values.allSatisfy { $0 == 1 }, "\(counts.filter { $0.value > 1 })")

            // SIGKILL mid-run: the dead run's claims (one batch) wait for the lease. Two processes
            // share a journal only through PostgreSQL (an embedded state directory admits one
            // process); the prefix is new each time, so rows of earlier test runs never match.
            next.kill(SIGTERM)
            try services.freshFixtureAndMailbox()
            let prefix = "kill\(UUID().uuidString.prefix(8).lowercased())"
            _ = try await services.bulkMail(300, prefix: prefix)
            var shared = environment
            shared["ORCHESTRATOR_STATE_DIR"] = nil
            shared["DATABASE_URL"] = try services.require("ORCH_TEST_DATABASE_URL", for: "PostgreSQL")
            let survivor = try await ServiceProcess.start(environment: shared, port: ServiceProcess.freePort(), log: log + ".3")
            defer { survivor.kill(SIGTERM) }
            let survivorToken = try await survivor.token()
            try services.setSinkMode("delay:20")
            let doomed = try await ServiceProcess.start(environment: shared, port: ServiceProcess.freePort(), log: log + ".2")
            let doomedToken = try await doomed.token()
            let killedRun = Task { try? await doomed.request(.PATCH, "/api/tasks/mail", bearer: doomedToken, timeout: .seconds(60)) }
            try await waitForMessages("\(prefix)-", atLeast: 50)
            doomed.kill(SIGKILL)
            _ = await killedRun.value
            try services.setSinkMode("accept")
            let early = try await survivor.request(.PATCH, "/api/tasks/mail", bearer: survivorToken, timeout: .seconds(60))
            let held = (early.body["items"] as? [[String: Any]] ?? []).filter { $0["detail"] as? String == "held by another run" }.count
            #expect(held > 0 && held <= 50, "held: \(held)")
            try await Task.sleep(for: .seconds(6))
            let late = try await survivor.request(.PATCH, "/api/tasks/mail", bearer: survivorToken, timeout: .seconds(60))
            let lateSummary = late.body["summary"] as? [String: Int] ?? [:]
            #expect((lateSummary["applied"] ?? 0) + (lateSummary["unknown"] ?? 0) >= held - 1, "\(lateSummary)")
            let killCounts = try services.receivedCounts("\(prefix)-")
            #expect(killCounts.values.allSatisfy { $0 == 1 }, "duplicates: \(killCounts.filter { $0.value > 1 })")
            #expect(killCounts.count >= 299)
        }

        func waitForMessages(_ prefix: String, atLeast count: Int) async throws {
            let deadline = ContinuousClock.now + .seconds(60)
            while try services.receivedCounts(prefix).count < count {
                guard ContinuousClock.now < deadline else { throw MissingService(description: "fewer than \(count) messages after 60 s") }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
