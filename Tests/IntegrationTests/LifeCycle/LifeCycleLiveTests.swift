@testable import Bootstrap
@testable import LDAPAdapter
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
    /// Life Cycle and activateCyclicTasks against the real slapd and the FD REST stand-in.
    @Suite struct LifeCycleLiveTests {
        let services = TestServices.shared
        static let efaure = "uid=efaure,ou=people,dc=example,dc=org"
        static let efaureSubTask = "cn=account-expiry-SubTask-1793607304_6101,ou=tasks,dc=example,dc=org"
        static let jdupontSubTask = "cn=account-expiry-SubTask-1793607304_6102,ou=tasks,dc=example,dc=org"

        /// The keys that point the service at the stand-in.
        func fdValues() throws -> [String: String] {
            ["FUSION_DIRECTORY_API_URL": try services.fdURL, "WEB_LOGIN": try services.fdLogin, "WEB_PASS": try services.fdPassword]
        }

        func settings() throws -> Settings {
            try services.settings(try fdValues())
        }

        func fdMode(_ mode: String) throws {
            try services.setFDMode(mode)
        }

        /// PATCH calls the stand-in received on objects whose DN contains `fragment`.
        func fdPatches(containing fragment: String) throws -> Int {
            try services.fdCalls().filter { $0.method == "PATCH" && ($0.dn ?? "").contains(fragment) }.count
        }

        func values(_ dn: String, _ attribute: String) async throws -> [String] {
            try await services.ldap().read(dn, attributes: [attribute])?.strings(attribute) ?? []
        }

        func fresh() throws {
            try services.freshFixtureAndMailbox()
            try services.clearFD()
        }

        func app() async throws -> Composition.App {
            try await Composition.makeApplication(settings: try settings(), store: services.embeddedStore(), logger: Logger(label: "life-cycle"))
        }

        @Test(.timeLimit(.minutes(2)))
        func theVerifiedExampleIsRewrittenWithItsStateRefreshedInFDAndNeverTwice() async throws {
            try fresh()
            defer { try? fresh() }
            try await app().test(.router) { client in
                let token = try #require(try await client.login("orchestrator", "orchestrator-pass")["access_token"])
                let report = try await client.json(.patch, "/api/tasks/lifeCycle", bearer: token)
                #expect(report.status == .ok)
                let items = report.body["items"] as? [[String: any Sendable]] ?? []
                let efaure = try #require(items.first { $0["subtask"] as? String == Self.efaureSubTask })
                #expect(efaure["outcome"] as? String == "applied", "\(efaure)")
                #expect(try await values(Self.efaure, "supannRessourceEtatDate").sorted() == ["{COMPTE}I:SupannExpire:20261031:20261130", "{MAIL}A:::"])
                #expect(try await values(Self.efaure, "supannRessourceEtat").contains("{COMPTE}I:SupannExpire"))
                #expect(try await !values(Self.efaure, "supannRessourceEtat").contains("{COMPTE}A:SupannActif"))
                #expect(try await services.status(of: Self.efaureSubTask) == "2")
                #expect(try fdPatches(containing: "uid=efaure") == 1)
                // Active until 2099: nothing to do, the sub-task is removed as FD expects.
                #expect(items.first { $0["subtask"] as? String == Self.jdupontSubTask }?["outcome"] as? String == "notNeeded")
                #expect(try await services.ldap().read(Self.jdupontSubTask) == nil)

                let again = try await client.json(.patch, "/api/tasks/lifeCycle", bearer: token)
                #expect(((again.body["items"] as? [[String: any Sendable]]) ?? []).allSatisfy { $0["subtask"] as? String != Self.efaureSubTask })
                #expect(try await values(Self.efaure, "supannRessourceEtatDate").sorted() == ["{COMPTE}I:SupannExpire:20261031:20261130", "{MAIL}A:::"])
                #expect(try fdPatches(containing: "uid=efaure") == 1)
            }
        }

        @Test(.timeLimit(.minutes(2)))
        func fdFailingThenRecoveringRetriesTheRefreshAloneNeverTheRewrite() async throws {
            try fresh()
            defer { try? fresh() }
            try await app().test(.router) { client in
                let token = try #require(try await client.login("orchestrator", "orchestrator-pass")["access_token"])
                try fdMode("fail500")
                let first = try await client.json(.patch, "/api/tasks/lifeCycle", bearer: token)
                let item = ((first.body["items"] as? [[String: any Sendable]]) ?? []).first { $0["subtask"] as? String == Self.efaureSubTask }
                #expect(item?["outcome"] as? String == "deferred", "\(String(describing: item))")
                #expect(try await values(Self.efaure, "supannRessourceEtatDate").contains("{COMPTE}I:SupannExpire:20261031:20261130"))
                #expect(try await services.status(of: Self.efaureSubTask) == "1")

                try fdMode("ok")
                let second = try await client.json(.patch, "/api/tasks/lifeCycle", bearer: token)
                let retried = ((second.body["items"] as? [[String: any Sendable]]) ?? []).first { $0["subtask"] as? String == Self.efaureSubTask }
                #expect(retried?["outcome"] as? String == "applied", "\(String(describing: retried))")
                #expect(try await values(Self.efaure, "supannRessourceEtatDate").sorted() == ["{COMPTE}I:SupannExpire:20261031:20261130", "{MAIL}A:::"])
                #expect(try await services.status(of: Self.efaureSubTask) == "2")
                #expect(try fdPatches(containing: "uid=efaure") == 2)
            }
        }

        @Test(.timeLimit(.minutes(2)))
        func badDataFailsItsSubTaskAloneAndTheRunGoesOn() async throws {
            try fresh()
            defer { try? fresh() }
            let ldap = try services.ldap()
            func subTask(_ name: String, master: String, user: String) async throws -> String {
                let dn = "cn=\(name),ou=tasks,dc=example,dc=org"
                try await ldap.add(dn, attributes: [
                    ("objectClass", ["fdTasksGranular"]), ("cn", [name]), ("fdTasksGranularMaster", [master]),
                    ("fdTasksGranularType", ["Life Cycle"]), ("fdTasksGranularSchedule", ["20261102100000"]),
                    ("fdTasksGranularStatus", ["1"]), ("fdTasksGranularDN", [user]),
                ])
                return dn
            }
            let expiry = "cn=account-expiry,ou=tasks,dc=example,dc=org"
            let noEnd = try await subTask("lc-no-end", master: expiry, user: "uid=snoel,ou=people,dc=example,dc=org")
            let ghost = try await subTask("lc-ghost", master: expiry, user: "uid=ghost,ou=people,dc=example,dc=org")
            try await app().test(.router) { client in
                let token = try #require(try await client.login("orchestrator", "orchestrator-pass")["access_token"])
                let report = try await client.json(.patch, "/api/tasks/lifeCycle", bearer: token)
                #expect(report.status == .ok)
                let noEndStatus = try #require(try await services.status(of: noEnd))
                #expect(noEndStatus.contains("no end date"), "\(noEndStatus)")
                let ghostStatus = try #require(try await services.status(of: ghost))
                #expect(ghostStatus.contains("not found"), "\(ghostStatus)")
                // mailbox-closure moves users to {MAIL}I: tlegrand has no MAIL value at all.
                let noPost = try #require(try await services.status(of: "cn=mailbox-closure-SubTask-1793607304_6201,ou=tasks,dc=example,dc=org"))
                #expect(noPost.contains("no supannRessourceEtatDate value for resource {MAIL}"), "\(noPost)")
                // The others completed.
                #expect(try await services.status(of: Self.efaureSubTask) == "2")
            }
        }

        /// Activation makes FD (the stand-in) create the sub-tasks; the next mail run sends them.
        @Test(.timeLimit(.minutes(2)))
        func activationCreatesSubTasksThatTheNextMailRunSends() async throws {
            try fresh()
            defer { try? fresh() }
            let ldap = try services.ldap()
            try await ldap.add("cn=cyclic-news,ou=tasks,dc=example,dc=org", attributes: [
                ("objectClass", ["fdTasks", "fdTasksMail"]), ("cn", ["cyclic-news"]), ("fdTasksStatus", ["1"]),
                ("fdTasksCreationDate", ["2026-11-02 09:14:37am"]), ("fdTasksScheduleDate", ["20261102100000"]),
                ("fdTasksRepeatable", ["TRUE"]), ("fdTasksRepeatableSchedule", ["Daily"]), ("fdTasksUpdatable", ["FALSE"]),
                ("fdTasksLastExec", ["2026-11-20 10:00:00"]), ("fdTasksMailObject", ["plain"]),
                ("fdTasksEmailSender", ["news@example.org"]), ("fdTasksEmailsFromDN", ["cyclic-reader@example.org"]), ("fdTasksMailType", ["mail"]),
            ])
            try await ldap.modify("cn=config,ou=fusiondirectory,dc=example,dc=org", [.replace("fdTasksConfMaxEmails", ["0"])])
            try await app().test(.router) { client in
                let token = try #require(try await client.login("orchestrator", "orchestrator-pass")["access_token"])
                let activation = try await client.json(.patch, "/api/tasks/activateCyclicTasks", bearer: token)
                #expect(activation.status == .ok)
                let ours = ((activation.body["items"] as? [[String: any Sendable]]) ?? []).first { ($0["subtask"] as? String ?? "").hasPrefix("cn=cyclic-news,") }
                #expect(ours?["outcome"] as? String == "applied", "\(String(describing: ours))")
                #expect(try fdPatches(containing: "cyclic-news") == 1)
                // A second run in the same period activates nothing again.
                let again = try await client.json(.patch, "/api/tasks/activateCyclicTasks", bearer: token)
                let second = ((again.body["items"] as? [[String: any Sendable]]) ?? []).first { ($0["subtask"] as? String ?? "").hasPrefix("cn=cyclic-news,") }
                #expect(second?["outcome"] as? String != "applied")
                #expect(try fdPatches(containing: "cyclic-news") == 1)

                _ = try await client.json(.patch, "/api/tasks/mail", bearer: token)
                #expect(try services.receivedCounts("cyclic-reader")["cyclic-reader@example.org"] == 1)
            }
        }
    }
}

extension LiveServices.LifeCycleLiveTests {
    /// SIGKILL in the middle of a 200-user Life Cycle run, then a restart: every user is moved
    /// exactly once and every sub-task ends `2`.
    @Test(.timeLimit(.minutes(3)))
    func aServiceKilledMidRunRewritesNoValueTwice() async throws {
        try fresh()
        defer {
            try? fdMode("ok")
            try? fresh()
        }
        let ldap = try services.ldap()
        let master = "cn=account-expiry,ou=tasks,dc=example,dc=org"
        let users = (0..<200).map { "uid=lc-\($0),ou=people,dc=example,dc=org" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for index in stride(from: worker, to: users.count, by: 4) {
                        try await ldap.add(users[index], attributes: [
                            ("objectClass", ["inetOrgPerson", "supannPerson"]), ("uid", ["lc-\(index)"]), ("cn", ["LC \(index)"]), ("sn", ["LC"]),
                            ("supannRessourceEtat", ["{COMPTE}A:SupannActif"]),
                            ("supannRessourceEtatDate", ["{COMPTE}A:SupannActif:20250901:20261031"]),
                        ])
                        try await ldap.add("cn=lc-kill-\(index),ou=tasks,dc=example,dc=org", attributes: [
                            ("objectClass", ["fdTasksGranular"]), ("cn", ["lc-kill-\(index)"]), ("fdTasksGranularMaster", [master]),
                            ("fdTasksGranularType", ["Life Cycle"]), ("fdTasksGranularSchedule", ["20261102100000"]),
                            ("fdTasksGranularStatus", ["1"]), ("fdTasksGranularDN", [users[index]]),
                        ])
                    }
                }
            }
            try await group.waitForAll()
        }
        func moved() async throws -> Int {
            try await ldap.search(base: "ou=people,dc=example,dc=org", scope: .oneLevel,
                                  filter: .equal("supannRessourceEtatDate", "{COMPTE}I:SupannExpire:20261031:20261130"),
                                  attributes: ["uid"]).filter { $0.dn.hasPrefix("uid=lc-") }.count
        }
        try fdMode("delay:20")
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("lc-kill-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("lc-kill-\(UUID()).log").path
        var environment = try services.settingsValues(try fdValues().merging(["MAIL_LEASE_SECONDS": "2", "LOG_LEVEL": "warning"]) { $1 })
        environment["ORCHESTRATOR_STATE_DIR"] = state
        let port = ServiceProcess.freePort()
        let first = try await ServiceProcess.start(environment: environment, port: port, log: log)
        let token = try await first.token()
        let run = Task { try? await first.request(.PATCH, "/api/tasks/lifeCycle", bearer: token, timeout: .seconds(60)) }
        let deadline = ContinuousClock.now + .seconds(60)
        while try await moved() < 50, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        first.kill(SIGKILL)
        _ = await run.value
        let atKill = try await moved()
        #expect(atKill >= 50 && atKill < 200, "moved at the kill: \(atKill)")

        try fdMode("ok")
        let second = try await ServiceProcess.start(environment: environment, port: port, log: log)
        defer { second.kill(SIGTERM) }
        try await Task.sleep(for: .seconds(3))  // the dead run's leases expire
        let secondToken = try await second.token()
        for _ in 0..<3 {
            let reply = try await second.request(.PATCH, "/api/tasks/lifeCycle", bearer: secondToken, timeout: .seconds(60))
            #expect(reply.status == 200)
            if ((reply.body["summary"] as? [String: Int])?["deferred"] ?? 0) == 0 { break }
        }
        for user in users {
            #expect(try await values(user, "supannRessourceEtatDate") == ["{COMPTE}I:SupannExpire:20261031:20261130"], "\(user)")
            #expect(try await values(user, "supannRessourceEtat") == ["{COMPTE}I:SupannExpire"], "\(user)")
        }
        for index in users.indices {
            #expect(try await services.status(of: "cn=lc-kill-\(index),ou=tasks,dc=example,dc=org") == "2", "lc-kill-\(index)")
        }
    }
}
