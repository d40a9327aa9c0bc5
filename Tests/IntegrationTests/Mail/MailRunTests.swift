@testable import LDAPAdapter
@testable import SMTPAdapter
@testable import StateStoreAdapter
@testable import Bootstrap
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

extension LiveServices {
    /// `PATCH /api/tasks/mail` against the fixture's mail sub-tasks (harness/ldap/README.md: M1–M7)
    /// and the real SMTP sink; every test starts and ends with a fresh fixture and mailbox.
    @Suite struct MailRunTests {
        let services = TestServices.shared
        static let m1 = "cn=welcome-mail-SubTask-1793607304_5113,ou=tasks,dc=example,dc=org"
        static let m2 = "cn=welcome-mail-SubTask-1793607304_5114,ou=tasks,dc=example,dc=org"
        static let m5 = "cn=welcome-mail-SubTask-1793607304_5117,ou=tasks,dc=example,dc=org"
        static let m6 = "cn=meeting-mail-SubTask-1793607310,ou=tasks,dc=example,dc=org"

        func run(_ overrides: [String: String] = [:], store: Composition.Store? = nil, _ body: @escaping @Sendable (any TestClientProtocol, String) async throws -> Void) async throws {
            try services.freshFixtureAndMailbox()
            defer { try? services.freshFixtureAndMailbox() }
            let settings = try services.settings(overrides)
            let app = try await Composition.makeApplication(settings: settings, store: store ?? services.embeddedStore(), logger: Logger(label: "mail-run"))
            try await app.test(.router) { client in
                let login = try await client.login("orchestrator", "orchestrator-pass")
                try await body(client, try #require(login["access_token"]))
            }
        }

        static func patch(_ client: any TestClientProtocol, _ token: String) async throws -> [String: Any] {
            try await client.execute(uri: "/api/tasks/mail", method: .patch, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .ok)
                return (try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
            }
        }

        static func outcomes(_ report: [String: Any]) -> [String: String] {
            Dictionary(((report["items"] as? [[String: Any]]) ?? []).map { ("\($0["subtask"] as? String ?? "")|\($0["target"] as? String ?? "")", $0["outcome"] as? String ?? "") }) { a, _ in a }
        }

        @Test func aRunSendsEachDueMailOnceWithEverythingTheTemplateSays() async throws {
            try await run { client, token in
                let report = try await Self.patch(client, token)
                let summary = try #require(report["summary"] as? [String: Int])
                #expect(summary["due"] == 4)
                #expect(summary["applied"] == 2)
                #expect(summary["failed"] == 1)
                #expect(summary["deferred"] == 1)
                let outcomes = Self.outcomes(report)
                #expect(outcomes["\(Self.m1)|emile.faure@example.org"] == "applied")
                #expect(outcomes["\(Self.m6)|lucie.martin@example.org"] == "applied")
                #expect(outcomes["\(Self.m2)|reject550-tlegrand@example.org"] == "failed")
                #expect(outcomes["\(Self.m5)|defer451-agirard@example.org"] == "deferred")

                let sink = try SMTPSink(services: services)
                let welcome = try #require(try sink.messages(to: "emile.faure@example.org").first)
                #expect(welcome.header("From") == "<noreply@example.org>")
                #expect(welcome.header("Bcc") == nil)
                #expect(Set(welcome.envelopeTo) == ["emile.faure@example.org", "audit@example.org"])
                #expect(welcome.decodedSubject == "Welcome to Example")
                #expect(welcome.header("Disposition-Notification-To") == "<noreply@example.org>")
                #expect(welcome.header("Message-ID")?.hasSuffix("@fusiondirectory-orchestrator>") == true)
                #expect(welcome.header("Date") != nil)
                let parts = MIMEParts(welcome)
                #expect(parts.parts.count == 3)
                let text = String(decoding: try #require(parts.parts.first).decoded, as: UTF8.self)
                #expect(text.hasSuffix("\r\n\r\n--\r\nThe Example IT team") || text.hasSuffix("\n\n--\nThe Example IT team"))
                #expect(parts.parts.first?.contentType.lowercased().contains("text/plain; charset=utf-8") == true)
                let files = Dictionary(parts.parts.compactMap { part in part.fileName.map { ($0, part) } }) { a, _ in a }
                #expect(Set(files.keys) == ["logo.png", "charter.txt"])
                #expect(files["logo.png"]?.contentType == "image/png")
                #expect(files["logo.png"]?.decoded.prefix(4) == [0x89, 0x50, 0x4E, 0x47])
                #expect(files["charter.txt"]?.contentType == "text/plain")

                // The other template's mail carries only its own (no) attachments (PHP bug §10 #16).
                let meeting = try #require(try sink.messages(to: "lucie.martin@example.org").first)
                #expect(meeting.decodedSubject == "Réunion d'équipe")
                #expect(meeting.header("Disposition-Notification-To") == nil)
                #expect(meeting.header("From") == "<secretariat@example.org>")
                #expect(MIMEParts(meeting).parts.allSatisfy { $0.fileName == nil })
                #expect(meeting.envelopeTo == ["lucie.martin@example.org"])

                #expect(try await services.status(of: Self.m1) == "2")
                #expect(try await services.status(of: Self.m6) == "2")
                #expect(try await services.status(of: Self.m2) == "550 5.1.1 <reject550-tlegrand@example.org>: user unknown")
                #expect(try await services.status(of: Self.m5) == "1")
                let lastExec = try await services.ldap().read("cn=config,ou=fusiondirectory,dc=example,dc=org")?.string("fdTasksConfLastExecTime")
                #expect(Int(lastExec ?? "").map { abs(Double($0) - Date().timeIntervalSince1970) < 120 } == true)

                // A second run sends nothing twice: only the deferred one is tried again.
                let again = try await Self.patch(client, token)
                #expect((again["summary"] as? [String: Int])?["applied"] == 0)
                #expect(try sink.all().count == 2)
            }
        }

        /// FD's "Renew the selected task" resets a finished sub-task to 1: the next run sends it again.
        @Test func aSubTaskRenewedInFusionDirectoryIsSentAgain() async throws {
            try await run { client, token in
                _ = try await Self.patch(client, token)
                #expect(try await services.status(of: Self.m1) == "2")
                try await services.ldap().modify(Self.m1, [.replace("fdTasksGranularStatus", ["1"])])
                let again = try await Self.patch(client, token)
                #expect(Self.outcomes(again)["\(Self.m1)|emile.faure@example.org"] == "applied")
                #expect(try SMTPSink(services: services).messages(to: "emile.faure@example.org").count == 2)
                #expect(try await services.status(of: Self.m1) == "2")
            }
        }

        @Test func aServerAnswering451LeavesSubTasksScheduledAndALaterRunDelivers() async throws {
            try await run { client, token in
                try services.setSinkMode("defer451")
                let first = try await Self.patch(client, token)
                #expect((first["summary"] as? [String: Int])?["applied"] == 0)
                #expect(try await services.status(of: Self.m1) == "1")
                #expect(try SMTPSink(services: services).all().isEmpty)

                try services.setSinkMode("accept")
                let second = try await Self.patch(client, token)
                #expect(Self.outcomes(second)["\(Self.m1)|emile.faure@example.org"] == "applied")
                #expect(try await services.status(of: Self.m1) == "2")
                #expect(try SMTPSink(services: services).messages(to: "emile.faure@example.org").count == 1)
            }
        }

        @Test func theAntiSpamIntervalSkipsTheWholeRun() async throws {
            try await run { client, token in
                let ldap = try services.ldap()
                try await ldap.modify("cn=config,ou=fusiondirectory,dc=example,dc=org", [
                    .replace("fdTasksConfIntervalEmails", ["30"]),
                    .replace("fdTasksConfLastExecTime", [String(Int(Date().timeIntervalSince1970) - 60)]),
                ])
                let report = try await Self.patch(client, token)
                #expect((report["skippedReason"] as? String)?.contains("anti-spam interval") == true)
                #expect((report["summary"] as? [String: Int])?["applied"] == 0)
                #expect(try SMTPSink(services: services).all().isEmpty)
            }
        }

        @Test func theMaximumCountsMessagesActuallySent() async throws {
            try await run { client, token in
                try await services.ldap().modify("cn=config,ou=fusiondirectory,dc=example,dc=org", [.replace("fdTasksConfMaxEmails", ["1"])])
                let report = try await Self.patch(client, token)
                #expect((report["summary"] as? [String: Int])?["applied"] ?? 0 <= 1)
                #expect(try SMTPSink(services: services).all().count <= 1)
                #expect(((report["items"] as? [[String: Any]]) ?? []).contains { ($0["detail"] as? String)?.contains("anti-spam limit") == true })
            }
        }

        @Test func anInvalidAddressFailsItsSubTaskAloneAndTheRunGoesOn() async throws {
            try await run { client, token in
                let dn = "cn=welcome-mail-SubTask-bad-address,ou=tasks,dc=example,dc=org"
                try await services.ldap().add(dn, attributes: [
                    ("objectClass", ["fdTasksGranular"]), ("cn", ["welcome-mail-SubTask-bad-address"]),
                    ("fdTasksGranularMaster", ["cn=welcome-mail,ou=tasks,dc=example,dc=org"]), ("fdTasksGranularType", ["Mail Object"]),
                    ("fdTasksGranularSchedule", ["20261102100000"]), ("fdTasksGranularStatus", ["1"]),
                    ("fdTasksGranularMail", ["FALSE"]), ("fdTasksGranularMailFrom", ["noreply@example.org"]), ("fdTasksGranularRef", ["welcome"]),
                ])
                let report = try await Self.patch(client, token)
                #expect(Self.outcomes(report)["\(dn)|FALSE"] == "failed")
                #expect(try await services.status(of: dn) == "invalid address: FALSE")
                #expect(try await services.status(of: Self.m1) == "2")
            }
        }

        @Test func otherKindsAndUnknownNamesAreClearJSONErrors() async throws {
            try await run { client, token in
                for (kind, code) in [("Ldap", "task.unknown_kind"), ("archive", "task.unknown_kind")] {
                    let response = try await client.json(.patch, "/api/tasks/\(kind)", bearer: token)
                    #expect(response.status == .notFound, "\(kind)")
                    #expect(response.errorCode == code, "\(kind)")
                }
                #expect(try await client.json(.patch, "/api/tasks/mail").status == .unauthorized)
            }
        }
    }
}
