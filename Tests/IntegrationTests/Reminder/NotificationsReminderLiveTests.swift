@testable import Bootstrap
@testable import LDAPAdapter
import StateStoreAdapter
import Application
import Crypto
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
    /// Notifications and Reminder against the real slapd and SMTP sink, on the fixture of
    /// harness/ldap/demo.ldif; every message is read back as MIME from the sink.
    @Suite struct NotificationsReminderLiveTests {
        let services = TestServices.shared
        static let tasks = "ou=tasks,dc=example,dc=org"
        static func sub(_ name: String) -> String { "cn=\(name),\(tasks)" }

        func settingsValues(_ more: [String: String] = [:]) throws -> [String: String] {
            ["FUSION_DIRECTORY_API_URL": try services.fdURL, "WEB_LOGIN": try services.fdLogin, "WEB_PASS": try services.fdPassword].merging(more) { $1 }
        }

        func app() async throws -> Composition.App {
            try await Composition.makeApplication(settings: try services.settings(try settingsValues()), store: services.embeddedStore(), logger: Logger(label: "reminder"))
        }

        func fresh() throws {
            try services.freshFixtureAndMailbox()
        }

        /// The text part of every message to `recipient`, decoded, with LF line ends.
        func texts(to recipient: String) throws -> [String] {
            try SMTPSink(services: services).messages(to: recipient).map { message in
                let part = MIMEParts(message).parts.first { $0.contentType.hasPrefix("text/plain") }
                return String(decoding: part?.decoded ?? [], as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
            }
        }

        func items(_ reply: JSONResponse) -> [[String: any Sendable]] {
            reply.body["items"] as? [[String: any Sendable]] ?? []
        }

        @Test(.timeLimit(.minutes(2)))
        func aDigestListsEachChangedUserOnceAndASecondRunSendsNothing() async throws {
            try fresh()
            defer { try? fresh() }
            try await app().test(.router) { client in
                let token = try #require(try await client.login("orchestrator", "orchestrator-pass")["access_token"])
                let report = try await client.json(.patch, "/api/tasks/notifications", bearer: token)
                #expect(report.status == .ok)
                let digests = try texts(to: "hr@example.org")
                #expect(digests.count == 1)
                let digest = try #require(digests.first)
                #expect(digest.hasPrefix("Hello,\n\nThe following monitored accounts were modified: \n"))
                #expect(digest.contains("uid=efaure,ou=people,dc=example,dc=org attrs=[mail]"))
                #expect(digest.contains("uid=mblanc,ou=people,dc=example,dc=org attrs=[supannRessourceEtat]"))
                #expect(!digest.contains("jdupont"))
                #expect(digest.hasSuffix("--\nFusionDirectory notifications"))
                #expect(try await services.status(of: Self.sub("Account changes-SubTask-1793607304_7101")) == "2")
                #expect(try await services.status(of: Self.sub("Account changes-SubTask-1793607304_7102")) == "2")
                // A phone change is not monitored: removed, as FD expects, with the reason.
                #expect(try await services.ldap().read(Self.sub("Account changes-SubTask-1793607304_7103")) == nil)
                let removed = items(report).first { $0["subtask"] as? String == Self.sub("Account changes-SubTask-1793607304_7103") }
                #expect(removed?["outcome"] as? String == "notNeeded")
                #expect((removed?["detail"] as? String)?.contains("no matching audited attributes") == true)

                _ = try await client.json(.patch, "/api/tasks/notifications", bearer: token)
                #expect(try texts(to: "hr@example.org").count == 1)
            }
        }

        @Test(.timeLimit(.minutes(2)))
        func remindersCarryALinkFusionDirectoryAcceptsToTheirOwnerAlone() async throws {
            try fresh()
            defer { try? fresh() }
            try await app().test(.router) { client in
                let token = try #require(try await client.login("orchestrator", "orchestrator-pass")["access_token"])
                let report = try await client.json(.patch, "/api/tasks/reminder", bearer: token)
                #expect(report.status == .ok)
                let ldap = try services.ldap()

                // Lucie: the 30-day call, with the link; the token is spec §3.7's, recomputed here.
                let own = try texts(to: "lucie.martin@example.org")
                #expect(own.count == 1)
                let entry = try #require(try await ldap.read("cn=lmartin,ou=tokens,dc=example,dc=org"))
                let stored = try #require(entry.string("fdToken"))
                #expect(entry.strings("objectClass").sorted() == ["fdTokenEntry", "top"])
                #expect(entry.string("fdTokenUserDN") == "uid=lmartin,ou=people,dc=example,dc=org")
                #expect(entry.string("fdTokenType") == "reminder")
                let expires = try #require(entry.string("fdTokenTimestamp").flatMap { Int($0) })
                let issued = expires - 15 * 86_400  // a 30-day call with a 15-day second call: 30 − 15 days
                let message = "\(issued)" + #""uid=lmartin,ou=people,dc=example,dc=org8onOlEsItKond""#
                let mac = HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: Data("integration-tests-secret-key-0123456789".utf8)))
                let recomputed = Data(mac).base64EncodedString().replacingOccurrences(of: "+", with: "A").replacingOccurrences(of: "/", with: "B").replacingOccurrences(of: "=", with: "")
                #expect(stored == recomputed)
                let base = try services.fdURL.replacingOccurrences(of: "/rest.php/v1", with: "")
                #expect(own.first?.contains("follow this link: \(base)/accountProlongation.php?token=\(stored)&task=account-reminder\n\n--\nExample IT") == true, "\(own)")

                // The "forward to" copies say whose account expires, without any link.
                let forwarded = try texts(to: "hr@example.org")
                #expect(forwarded.count == 2)  // Lucie's and Nina's
                #expect(forwarded.allSatisfy { !$0.contains("accountProlongation") && !$0.contains(stored) })
                #expect(forwarded.contains { $0.contains("This reminder is about uid=lmartin,ou=people,dc=example,dc=org, whose account expires on") })

                // Nina's RDN is cn=: the token is keyed by her uid.
                #expect(try texts(to: "nina.petit@example.org").count == 1)
                #expect(try await ldap.read("cn=npetit,ou=tokens,dc=example,dc=org") != nil)
                // Both of Paul's windows due in one run: one message, both settled.
                #expect(try texts(to: "paul.bernard@example.org").count == 1)
                #expect(try await services.status(of: Self.sub("posix-reminder-SubTask-1793607304_8201")) == "2")
                #expect(try await services.status(of: Self.sub("posix-reminder-SubTask-1793607304_8202")) == "2")
                // Bad data fails alone: Claire has no mail, Sophie's state has no end date.
                #expect(try await services.status(of: Self.sub("account-reminder-SubTask-1793607304_8104"))?.contains("no mail") == true)
                #expect(try await services.status(of: Self.sub("account-reminder-SubTask-1793607304_8105"))?.contains("no end date") == true)
                #expect(try await services.status(of: Self.sub("account-reminder-SubTask-1793607304_8101")) == "2")
                // Not about to expire: removed.
                #expect(try await ldap.read(Self.sub("account-reminder-SubTask-1793607304_8102")) == nil)
                #expect(try await ldap.read(Self.sub("posix-reminder-SubTask-1793607304_8203")) == nil)

                let again = try await client.json(.patch, "/api/tasks/reminder", bearer: token)
                #expect(again.status == .ok)
                #expect(try SMTPSink(services: services).all().count == 5)
                #expect(try await ldap.read("cn=lmartin,ou=tokens,dc=example,dc=org")?.string("fdToken") == stored)
            }
        }

        @Test(.timeLimit(.minutes(2)))
        func aDryRunShowsEveryMessageAndTokenAndSendsNothing() async throws {
            try fresh()
            defer { try? fresh() }
            try await app().test(.router) { client in
                let token = try #require(try await client.login("orchestrator", "orchestrator-pass")["access_token"])
                let report = try await client.json(.patch, "/api/tasks/reminder?dryRun=true", bearer: token)
                #expect(report.status == .ok)
                let details = items(report).compactMap { $0["detail"] as? String }
                #expect(details.contains { $0.contains("to lucie.martin@example.org") && $0.contains("with link (would write token cn=lmartin,ou=tokens)") })
                #expect(details.contains { $0.contains("to hr@example.org") && $0.contains("no link") })
                #expect(try SMTPSink(services: services).all().isEmpty)
                #expect(try await services.ldap().read("cn=lmartin,ou=tokens,dc=example,dc=org") == nil)
                #expect(try await services.status(of: Self.sub("account-reminder-SubTask-1793607304_8101")) == "1")
            }
        }

        @Test(.timeLimit(.minutes(2)))
        func eightConcurrentRunsSendEachMessageOnce() async throws {
            try fresh()
            defer { try? fresh() }
            try await app().test(.router) { client in
                let token = try #require(try await client.login("orchestrator", "orchestrator-pass")["access_token"])
                try services.setSinkMode("delay:30")
                defer { try? services.setSinkMode("accept") }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<8 {
                        let path = index.isMultiple(of: 2) ? "/api/tasks/reminder" : "/api/tasks/notifications"
                        group.addTask { _ = try await client.json(.patch, path, bearer: token) }
                    }
                    try await group.waitForAll()
                }
                // Two runs that each claimed half of one message both give it back (neither sends
                // half): one more run sends what they left, and still nobody gets anything twice.
                try services.setSinkMode("accept")
                _ = try await client.json(.patch, "/api/tasks/reminder", bearer: token)
                _ = try await client.json(.patch, "/api/tasks/notifications", bearer: token)
                let counts = Dictionary(try SMTPSink(services: services).all().map { ($0.header("To") ?? "", 1) }, uniquingKeysWith: +)
                #expect(counts == ["<lucie.martin@example.org>": 1, "<nina.petit@example.org>": 1, "<paul.bernard@example.org>": 1, "<hr@example.org>": 3], "\(counts)")
            }
        }
    }
}

extension LiveServices.NotificationsReminderLiveTests {
    /// PROLONGATION_MODE=orchestrator: GET changes nothing, POST prolongs once, a second POST and a
    /// tampered link are refused, and the token is not in the database in clear.
    @Test(.timeLimit(.minutes(2)))
    func theServiceServesItsOwnSingleUseProlongationLink() async throws {
        try fresh()
        defer { try? fresh() }
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("prolong-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let store = EmbeddedStateStore(database: SQLiteDatabase(directory: state, logger: Logger(label: "prolong")), logger: Logger(label: "prolong"))
        let settings = try services.settings(try settingsValues(["PROLONGATION_MODE": "orchestrator", "PROLONGATION_URL": "https://orchestrator.example.org/orchestrator"]))
        let app = try await Composition.makeApplication(settings: settings, store: store, logger: Logger(label: "prolong"))
        let user = "uid=lmartin,ou=people,dc=example,dc=org"
        try await app.test(.router) { client in
            let token = try #require(try await client.login("orchestrator", "orchestrator-pass")["access_token"])
            #expect(try await client.json(.patch, "/api/tasks/reminder", bearer: token).status == .ok)
            let mail = try #require(try texts(to: "lucie.martin@example.org").first)
            let marker = "https://orchestrator.example.org/orchestrator/api/prolongation?token="
            let range = try #require(mail.range(of: marker))
            let link = String(mail[range.upperBound...].prefix { !$0.isWhitespace })
            #expect(link.count == 43)
            #expect(try texts(to: "hr@example.org").allSatisfy { !$0.contains(link) })
            #expect(try await services.ldap().read("cn=lmartin,ou=tokens,dc=example,dc=org") == nil)
            let before = try await services.ldap().read(user, attributes: ["supannRessourceEtatDate"])?.strings("supannRessourceEtatDate") ?? []

            func page(_ method: HTTPRequest.Method, _ path: String, form: String? = nil) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(
                    uri: path, method: method, headers: form == nil ? [:] : [.contentType: "application/x-www-form-urlencoded"],
                    body: form.map { ByteBuffer(string: $0) }
                ) { ($0.status, String(buffer: $0.body)) }
            }
            let (shown, html) = try await page(.get, "/orchestrator/api/prolongation?token=\(link)")
            #expect(shown == .ok)
            #expect(html.contains("<form method=\"post\">") && html.contains(user))
            #expect(try await services.ldap().read(user, attributes: ["supannRessourceEtatDate"])?.strings("supannRessourceEtatDate") == before)

            let (done, confirmation) = try await page(.post, "/orchestrator/api/prolongation", form: "token=\(link)")
            #expect(done == .ok, "\(confirmation)")
            let end = try #require(before.first { $0.hasPrefix("{COMPTE}") }.map { String($0.suffix(8)) })
            let prolonged = try CalendarDate(fdDate: end).adding(days: 365).fdDate
            let after = try await services.ldap().read(user, attributes: ["supannRessourceEtatDate", "supannRessourceEtat"])
            #expect(after?.strings("supannRessourceEtatDate").contains("{COMPTE}A:SupannActif:\(end):\(prolonged)") == true, "\(String(describing: after))")
            #expect(after?.strings("supannRessourceEtat").contains("{COMPTE}A:SupannActif") == true)

            let (again, refusal) = try await page(.post, "/api/prolongation", form: "token=\(link)")
            #expect(again == .gone && refusal.contains("already used"))
            var tampered = Array(link)
            tampered[0] = tampered[0] == "A" ? "B" : "A"
            #expect(try await page(.post, "/api/prolongation", form: "token=\(String(tampered))").0 == .notFound)
            #expect(try await page(.get, "/api/prolongation?token=x").0 == .badRequest)

            // Only the hash is stored (the database file and its journal).
            let files = try FileManager.default.subpathsOfDirectory(atPath: state)
            #expect(!files.isEmpty)
            for file in files {
                let bytes = (try? Data(contentsOf: URL(fileURLWithPath: "\(state)/\(file)"))) ?? Data()
                #expect(bytes.range(of: Data(link.utf8)) == nil, "\(file)")
            }
        }
    }

    /// SIGKILL in the middle of a 120-user reminder run, then a restart: no one gets two reminders;
    /// the one message in flight at the kill is reported unknown, never resent on its own.
    @Test(.timeLimit(.minutes(3)))
    func aServiceKilledMidRunSendsNoReminderTwice() async throws {
        try fresh()
        defer {
            try? services.setSinkMode("accept")
            try? fresh()
        }
        let ldap = try services.ldap()
        try await ldap.modify("cn=config,ou=fusiondirectory,dc=example,dc=org", [.replace("fdTasksConfMaxEmails", ["0"])])
        let master = "cn=bulk-reminder,ou=tasks,dc=example,dc=org"
        try await ldap.add(master, attributes: [
            ("objectClass", ["fdTasks", "fdTasksReminder"]), ("cn", ["bulk-reminder"]), ("fdTasksStatus", ["1"]),
            ("fdTasksCreationDate", ["2026-11-09 03:33:33pm"]), ("fdTasksScheduleDate", ["20261110010000"]), ("fdTasksRepeatable", ["FALSE"]),
            ("fdTasksReminderFirstCall", ["30"]), ("fdTasksReminderSecondCall", ["15"]), ("fdTasksReminderResource", ["COMPTE"]),
            ("fdTasksReminderState", ["A"]), ("fdTasksReminderAccountProlongation", ["TRUE"]), ("fdTasksReminderPosix", ["FALSE"]),
            ("fdTasksReminderMailTemplate", ["remind"]), ("fdTasksReminderEmailSender", ["reminder@example.org"]),
            ("fdTasksReminderMembers", ["cn=staff,ou=groups,dc=example,dc=org"]),
        ])
        let end = CalendarDate(instant: Date(), in: TimeZone(identifier: "UTC")!).adding(days: 10).fdDate
        let count = 120
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for index in stride(from: worker, to: count, by: 4) {
                        let user = "uid=rk-\(index),ou=people,dc=example,dc=org"
                        try await ldap.add(user, attributes: [
                            ("objectClass", ["inetOrgPerson", "supannPerson"]), ("uid", ["rk-\(index)"]), ("cn", ["RK \(index)"]), ("sn", ["RK"]),
                            ("mail", ["rk-\(index)@example.org"]), ("supannRessourceEtat", ["{COMPTE}A"]),
                            ("supannRessourceEtatDate", ["{COMPTE}A::20250901:\(end)"]),
                        ])
                        try await ldap.add("cn=rk-sub-\(index),ou=tasks,dc=example,dc=org", attributes: [
                            ("objectClass", ["fdTasksGranular"]), ("cn", ["rk-sub-\(index)"]), ("fdTasksGranularMaster", [master]),
                            ("fdTasksGranularType", ["Reminder"]), ("fdTasksGranularSchedule", ["20261102100000"]),
                            ("fdTasksGranularStatus", ["1"]), ("fdTasksGranularDN", [user]), ("fdTasksGranularHelper", ["30"]),
                        ])
                    }
                }
            }
            try await group.waitForAll()
        }
        try services.setSinkMode("delay:20")
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("rk-kill-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("rk-kill-\(UUID()).log").path
        var environment = try services.settingsValues(try settingsValues(["MAIL_LEASE_SECONDS": "2", "LOG_LEVEL": "warning"]))
        environment["ORCHESTRATOR_STATE_DIR"] = state
        let port = ServiceProcess.freePort()
        let first = try await ServiceProcess.start(environment: environment, port: port, log: log)
        let token = try await first.token()
        let run = Task { try? await first.request(.PATCH, "/api/tasks/reminder", bearer: token, timeout: .seconds(60)) }
        let deadline = ContinuousClock.now + .seconds(60)
        while try services.receivedCounts("rk-").count < 30, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        first.kill(SIGKILL)
        _ = await run.value
        let atKill = try services.receivedCounts("rk-").count
        #expect(atKill >= 30 && atKill < count, "sent at the kill: \(atKill)")

        try services.setSinkMode("accept")
        let second = try await ServiceProcess.start(environment: environment, port: port, log: log)
        defer { second.kill(SIGTERM) }
        try await Task.sleep(for: .seconds(3))  // the dead run's leases expire
        let reply = try await second.request(.PATCH, "/api/tasks/reminder", bearer: try await second.token(), timeout: .seconds(60))
        #expect(reply.status == 200)
        let received = try services.receivedCounts("rk-")
        #expect(received.values.allSatisfy { $0 == 1 }, "\(received.filter { $0.value > 1 })")
        let unknown = ((reply.body["summary"] as? [String: Int])?["unknown"]) ?? 0
        // The message in flight at the kill may have arrived (the sink stores it before its late
        // reply): it is unknown either way, and everyone else got exactly one.
        #expect(received.count >= count - unknown && received.count <= count, "received \(received.count), unknown \(unknown)")
        #expect(unknown <= 1)
    }
}
