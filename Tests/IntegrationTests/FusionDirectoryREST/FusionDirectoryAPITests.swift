@testable import FusionDirectoryRESTAdapter
@testable import LDAPAdapter
import Application
import Domain
import Foundation
import Testing

extension LiveServices {
    /// The AsyncHTTPClient adapter against the FD REST stand-in (harness/fdrest), which works on
    /// the harness slapd as FusionDirectory would.
    @Suite struct FusionDirectoryAPITests {
        let services = TestServices.shared
        let base = "dc=example,dc=org"

        /// The error `work` throws, nil when it succeeds.
        func failure(_ work: () async throws(FusionDirectoryError) -> Void) async -> FusionDirectoryError? {
            do {
                try await work()
                return nil
            } catch {
                return error
            }
        }

        @Test(.timeLimit(.minutes(1)))
        func refreshingAUserRecomputesItsResourceStatesFromTheirDates() async throws {
            try services.clearFD()
            let ldap = try services.ldap()
            let user = "uid=efaure,ou=people,\(base)"
            let before = try #require(try await ldap.read(user, attributes: ["supannRessourceEtat", "supannRessourceEtatDate"]))
            do {
                // What Life Cycle writes (spec §8.2 e); FD derives supannRessourceEtat on save.
                try await ldap.modify(user, [.replace("supannRessourceEtatDate", ["{COMPTE}I:SupannExpire:20261031:20261130", "{MAIL}A:::"])])
                try await services.withFD { api in try await api.refreshUser(dn: user) }
                let after = try #require(try await ldap.read(user, attributes: ["supannRessourceEtat"]))
                #expect(after.strings("supannRessourceEtat").sorted() == ["{COMPTE}I:SupannExpire", "{MAIL}A"])
                let patch = try #require(try services.fdCalls().last)
                #expect(patch.method == "PATCH")
                #expect(patch.path.hasSuffix("/objects/user/uid%3Defaure%2Cou%3Dpeople%2Cdc%3Dexample%2Cdc%3Dorg"))
                #expect(patch.body == "[]")
                #expect(patch.status == 200)
            } catch {
                try? await restore(user, from: before)
                throw error
            }
            try await restore(user, from: before)
        }

        func restore(_ dn: String, from entry: DirectoryEntry) async throws {
            try await services.ldap().modify(dn, [
                .replace("supannRessourceEtatDate", entry.strings("supannRessourceEtatDate")),
                .replace("supannRessourceEtat", entry.strings("supannRessourceEtat")),
            ])
        }

        @Test(.timeLimit(.minutes(1)))
        func activationStampsTheLastRunAndCreatesTheMissingSubTasks() async throws {
            try services.clearFD()
            let ldap = try services.ldap()
            let name = "fd-rest-\(UUID().uuidString.prefix(8).lowercased())"
            let mailTask = "cn=\(name)-mail,ou=tasks,\(base)"
            let lifeCycleTask = "cn=\(name)-lc,ou=tasks,\(base)"
            let common: [(String, [String])] = [
                ("fdTasksStatus", ["1"]), ("fdTasksCreationDate", ["2026-11-02 09:14:37am"]), ("fdTasksScheduleDate", ["20261102100000"]),
                ("fdTasksRepeatable", ["TRUE"]), ("fdTasksRepeatableSchedule", ["Daily"]),
            ]
            do {
                try await activate(name: name, mailTask: mailTask, lifeCycleTask: lifeCycleTask, common: common, ldap: ldap)
            } catch {
                try? await remove([mailTask, lifeCycleTask])
                throw error
            }
            try await remove([mailTask, lifeCycleTask])
        }

        func activate(name: String, mailTask: String, lifeCycleTask: String, common: [(String, [String])], ldap: LDAPClient) async throws {
            try await ldap.add(mailTask, attributes: [("objectClass", ["fdTasks", "fdTasksMail"]), ("cn", ["\(name)-mail"])] + common + [
                ("fdTasksUpdatable", ["TRUE"]), ("fdTasksMailObject", ["plain"]), ("fdTasksEmailSender", ["sender@example.org"]),
                ("fdTasksEmailBCC", ["bcc@example.org"]),
                ("fdTasksEmailsFromDN", ["a@example.org", "b@example.org", "c@example.org"]),
            ])
            // "Only with new members": b@ already has a sub-task, whatever its status.
            try await ldap.add("cn=\(name)-mail-SubTask-1,ou=tasks,\(base)", attributes: [
                ("objectClass", ["fdTasksGranular"]), ("cn", ["\(name)-mail-SubTask-1"]), ("fdTasksGranularMaster", [mailTask]),
                ("fdTasksGranularType", ["Mail Object"]), ("fdTasksGranularSchedule", ["20261102100000"]), ("fdTasksGranularStatus", ["2"]),
                ("fdTasksGranularMail", ["b@example.org"]),
            ])
            try await ldap.add(lifeCycleTask, attributes: [("objectClass", ["fdTasks", "fdTasksLifeCycle"]), ("cn", ["\(name)-lc"])] + common + [
                ("fdTasksUpdatable", ["FALSE"]),
                ("fdTasksLifeCyclePreResource", ["COMPTE"]), ("fdTasksLifeCyclePreState", ["A"]),
                ("fdTasksLifeCyclePostResource", ["COMPTE"]), ("fdTasksLifeCyclePostState", ["I"]),
                ("fdTasksLifeCycleListOfDN", ["uid=efaure,ou=people,\(base)", "uid=jdupont,ou=people,\(base)"]),
            ])

            try await services.withFD { api in
                try await api.activateTask(dn: mailTask)
                try await api.activateTask(dn: lifeCycleTask)
            }

            let mail = try await subTasks(of: mailTask)
            #expect(mail.map { $0.string("fdTasksGranularMail") ?? "" }.sorted() == ["a@example.org", "b@example.org", "c@example.org"])
            for created in mail where created.string("fdTasksGranularStatus") == "1" {
                #expect(created.string("fdTasksGranularType") == "Mail Object")
                #expect(created.string("fdTasksGranularRef") == "plain")
                #expect(created.string("fdTasksGranularMailFrom") == "sender@example.org")
                #expect(created.string("fdTasksGranularMailBCC") == "bcc@example.org")
                #expect(created.string("fdTasksGranularSchedule") == "20261102100000")
                #expect(created.string("cn")?.hasPrefix("\(name)-mail-SubTask-") == true)
            }
            #expect(mail.filter { $0.string("fdTasksGranularStatus") == "1" }.count == 2)
            // Not "only with new members": one sub-task per listed DN.
            let lifeCycle = try await subTasks(of: lifeCycleTask)
            #expect(lifeCycle.map { $0.string("fdTasksGranularDN") ?? "" }.sorted() == ["uid=efaure,ou=people,\(base)", "uid=jdupont,ou=people,\(base)"])
            #expect(lifeCycle.allSatisfy { $0.string("fdTasksGranularType") == "Life Cycle" && $0.string("fdTasksGranularStatus") == "1" })

            for task in [mailTask, lifeCycleTask] {
                let stamp = try #require(try await ldap.read(task, attributes: ["fdTasksLastExec"])?.string("fdTasksLastExec"))
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.timeZone = TimeZone(identifier: "Europe/Paris")  // the fixture's fdTimezone
                formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
                let stamped = try #require(formatter.date(from: stamp), "fdTasksLastExec \(stamp)")
                #expect(abs(stamped.timeIntervalSinceNow) < 120, "fdTasksLastExec \(stamp)")
            }
            #expect(try services.fdCalls().filter { !$0.isLogin }.map(\.body) == Array(repeating: #"{"tasks":{"fdSubTasksActivation":"TRUE"}}"#, count: 2))
        }

        func subTasks(of master: String) async throws -> [DirectoryEntry] {
            try await services.ldap().search(base: "ou=tasks,\(base)", scope: .oneLevel, filter: .equal("fdTasksGranularMaster", master), attributes: [])
        }

        func remove(_ tasks: [String]) async throws {
            let ldap = try services.ldap()
            for task in tasks {
                for sub in try await ldap.search(base: "ou=tasks,\(base)", scope: .oneLevel, filter: .equal("fdTasksGranularMaster", task), attributes: ["cn"]) {
                    try? await ldap.delete(sub.dn)
                }
                try? await ldap.delete(task)
            }
        }

        @Test(.timeLimit(.minutes(1)))
        func oneLoginServesEveryCallEvenConcurrentOnes() async throws {
            try services.clearFD()
            let users = ["jdupont", "hroux", "snoel", "mblanc", "pbernard", "lmartin"].map { "uid=\($0),ou=people,\(base)" }
            try await services.withFD { api in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for user in users.prefix(4) { group.addTask { try await api.refreshUser(dn: user) } }
                    try await group.waitForAll()
                }
                for user in users.suffix(2) { try await api.refreshUser(dn: user) }
            }
            let calls = try services.fdCalls()
            #expect(calls.filter(\.isLogin).count == 1)
            let patches = calls.filter { !$0.isLogin }
            #expect(patches.count == 6)
            #expect(patches.allSatisfy { $0.status == 200 })
            #expect(Set(patches.map(\.session)).count == 1)
            let login = try #require(calls.first { $0.isLogin })
            #expect(login.method == "POST")
            #expect(login.body == #"{"password":"***","user":"\#(try services.fdLogin)"}"#)
        }

        @Test(.timeLimit(.minutes(1)))
        func aSessionEndedMidwayIsReplacedByOneNewLogin() async throws {
            try services.clearFD()
            let user = "uid=jdupont,ou=people,\(base)"
            try await services.withFD { api in
                try await api.refreshUser(dn: user)
                try services.expireFDSessions()
                try await api.refreshUser(dn: user)
                try await api.refreshUser(dn: user)
            }
            let calls = try services.fdCalls()
            #expect(calls.map { $0.isLogin ? "login \($0.status ?? 0)" : "patch \($0.status ?? 0)" }
                == ["login 200", "patch 200", "patch 401", "login 200", "patch 200", "patch 200"])
            #expect(calls[1].session != calls[4].session)
        }

        @Test(.timeLimit(.minutes(1)))
        func aSessionRefusedAgainAfterTheNewLoginIsRejected() async throws {
            try services.clearFD()
            defer { try? services.setFDMode("ok") }
            let user = "uid=jdupont,ou=people,\(base)"
            let error = try await services.withFD { api in
                try await api.refreshUser(dn: user)
                try services.setFDMode("fail401")
                return await failure { () async throws(FusionDirectoryError) in try await api.refreshUser(dn: user) }
            }
            guard case .rejected(401, _)? = error else { Issue.record("expected .rejected(401), got \(String(describing: error))"); return }
            // One new login, refused: no loop.
            #expect(try services.fdCalls().map(\.status) == [200, 200, 401, 401])
        }

        @Test(.timeLimit(.minutes(1)))
        func wrongCredentialsAreRejectedWithoutThePassword() async throws {
            try services.clearFD()
            let wrong = "not-the-password-\(UUID().uuidString)"
            let error = try await services.withFD(services.fdSettings(password: wrong)) { api in
                await failure { () async throws(FusionDirectoryError) in try await api.refreshUser(dn: "uid=jdupont,ou=people,\(base)") }
            }
            guard case .rejected(401, let message)? = error else { Issue.record("expected .rejected(401), got \(String(describing: error))"); return }
            #expect(message.contains("Login failed"))
            #expect(error?.isTransient == false)
            #expect(error?.summary.contains(wrong) == false)
            #expect(try services.fdCalls().map(\.status) == [401])
        }

        @Test(.timeLimit(.minutes(1)))
        func anUnknownObjectIsRejectedWithFDsMessage() async throws {
            try services.clearFD()
            let error = try await services.withFD { api in
                await failure { () async throws(FusionDirectoryError) in try await api.refreshUser(dn: "uid=nobody,ou=people,\(base)") }
            }
            guard case .rejected(404, let message)? = error else { Issue.record("expected .rejected(404), got \(String(describing: error))"); return }
            #expect(message == "Could not open dn uid=nobody,ou=people,\(base): no such object")
        }

        @Test(.timeLimit(.minutes(1)))
        func aServerErrorIsUnavailableWithFDsMessage() async throws {
            try services.clearFD()
            defer { try? services.setFDMode("ok") }
            try services.setFDMode("fail500")
            let error = try await services.withFD { api in
                await failure { () async throws(FusionDirectoryError) in try await api.activateTask(dn: "cn=fd-rest-no-such-task,ou=tasks,\(base)") }
            }
            guard case .unavailable(let why)? = error else { Issue.record("expected .unavailable, got \(String(describing: error))"); return }
            #expect(why.contains("HTTP 500: stand-in: FusionDirectory failed (mode fail500)"))
            #expect(error?.isTransient == true)
        }

        @Test(.timeLimit(.minutes(1)))
        func aServerThatNeverAnswersIsUnavailableAfterTheTimeout() async throws {
            try services.clearFD()
            defer { try? services.setFDMode("ok") }
            let user = "uid=jdupont,ou=people,\(base)"
            let clock = ContinuousClock()
            try await services.withFD(services.fdSettings(timeout: .seconds(1))) { api in
                try await api.refreshUser(dn: user)  // a session first: the PATCH is what hangs
                try services.setFDMode("hang")
                let start = clock.now
                let error = await failure { () async throws(FusionDirectoryError) in try await api.refreshUser(dn: user) }
                let elapsed = clock.now - start
                guard case .unavailable(let why)? = error else { Issue.record("expected .unavailable, got \(String(describing: error))"); return }
                #expect(why.contains("no answer from FusionDirectory within 1 s"))
                #expect(elapsed >= .milliseconds(900) && elapsed < .milliseconds(2500), "took \(elapsed)")
            }
            // A login that hangs is bounded the same way.
            try await services.withFD(services.fdSettings(timeout: .seconds(1))) { api in
                let start = clock.now
                let error = await failure { () async throws(FusionDirectoryError) in try await api.refreshUser(dn: user) }
                #expect(error?.isTransient == true)
                #expect(clock.now - start < .milliseconds(2500), "took \(clock.now - start)")
            }
        }

        @Test(.timeLimit(.minutes(1)))
        func anUnreachableServerIsUnavailableAtOnce() async throws {
            let clock = ContinuousClock()
            let start = clock.now
            // Port 1 on loopback: refused. No retry until the timeout: the run moves on.
            let error = try await services.withFD(services.fdSettings(url: "http://127.0.0.1:1/rest.php/v1", timeout: .seconds(10))) { api in
                await failure { () async throws(FusionDirectoryError) in try await api.activateTask(dn: "cn=fd-rest-no-such-task,ou=tasks,\(base)") }
            }
            guard case .unavailable(let why)? = error else { Issue.record("expected .unavailable, got \(String(describing: error))"); return }
            #expect(why.hasPrefix("login: "), "\(why)")
            #expect(clock.now - start < .seconds(2), "took \(clock.now - start)")
        }

        @Test(.timeLimit(.minutes(1)))
        func aSuccessWithoutTheDNIsAnUnexpectedAnswer() async throws {
            try services.clearFD()
            defer { try? services.setFDMode("ok") }
            try services.setFDMode("unexpected200")
            let error = try await services.withFD { api in
                await failure { () async throws(FusionDirectoryError) in try await api.activateTask(dn: "cn=fd-rest-no-such-task,ou=tasks,\(base)") }
            }
            guard case .unexpectedAnswer(let body)? = error else { Issue.record("expected .unexpectedAnswer, got \(String(describing: error))"); return }
            #expect(body.contains("HTTP 200"))
            #expect(error?.isTransient == false)
        }

        @Test(.timeLimit(.minutes(1)))
        func httpsIsVerifiedAgainstThePrivateCA() async throws {
            try services.clearFD()
            let user = "uid=jdupont,ou=people,\(base)"
            try await services.withFD(services.fdSettings(url: services.fdTLSURL, caFile: services.fdCA)) { api in
                try await api.refreshUser(dn: user)
            }
            let error = try await services.withFD(services.fdSettings(url: services.fdTLSURL)) { api in
                await failure { () async throws(FusionDirectoryError) in try await api.refreshUser(dn: user) }
            }
            guard case .unavailable(let why)? = error else { Issue.record("expected .unavailable, got \(String(describing: error))"); return }
            #expect(why.contains("TLS"), "\(why)")
            #expect(try services.fdCalls().map(\.status) == [200, 200])  // the unverified one never sent anything
        }
    }
}
