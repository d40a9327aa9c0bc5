@testable import Bootstrap
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

extension LiveServices {
    /// The read API against the fixture of harness/ldap/demo.ldif (README there lists it).
    @Suite struct TaskAPITests {
        let services = TestServices.shared

        func withClient(_ body: @escaping @Sendable (any TestClientProtocol, String) async throws -> Void) async throws {
            let app = try await Composition.makeApplication(settings: try services.settings(), store: try services.embeddedStore(), logger: Logger(label: "tasks"))
            try await app.test(.router) { client in
                let login = try await client.login("orchestrator", "orchestrator-pass")
                try await body(client, try #require(login["access_token"]))
            }
        }

        func array(_ client: any TestClientProtocol, _ uri: String, _ token: String) async throws -> (HTTPResponse.Status, [[String: Any]]) {
            try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                (response.status, (try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]]) ?? [])
            }
        }

        func object(_ client: any TestClientProtocol, _ uri: String, _ token: String) async throws -> (HTTPResponse.Status, [String: Any]) {
            try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                (response.status, (try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:])
            }
        }

        static func byName(_ tasks: [[String: Any]]) -> [String: [String: Any]] {
            Dictionary(tasks.map { ($0["name"] as? String ?? "?", $0) }, uniquingKeysWith: { first, _ in first })
        }

        @Test func everyMainTaskIsListedWithCountsInThePHPClientShape() async throws {
            try await withClient { client, token in
                let (status, tasks) = try await array(client, "/api/tasks", token)
                #expect(status == .ok)
                let byName = Self.byName(tasks)
                #expect(Set(byName.keys) == [
                    "welcome-mail", "meeting-mail", "future-campaign", "account-expiry", "mailbox-closure", "Account changes",
                    "account-reminder", "posix-reminder", "audit-retention", "broken-schedule", "unscheduled",
                ])
                for task in tasks { #expect((task["cn"] as? [String])?.count == 1) }

                let welcome = try #require(byName["welcome-mail"])
                #expect(welcome["kind"] as? String == "mail")
                #expect(welcome["dn"] as? String == "cn=welcome-mail,ou=tasks,dc=example,dc=org")
                #expect(welcome["schedule"] as? String == "2026-11-02T10:00:00+01:00")
                #expect(welcome["lastExec"] as? String == "2026-11-02T10:00:03+01:00")
                #expect(welcome["repeatable"] as? Bool == false)
                #expect(welcome["repeatSchedule"] as? String == "Daily")
                // M1 M2 M5 due; _9901 (bad schedule) and _9902 (unknown type) scheduled but never due.
                #expect(welcome["subtasks"] as? [String: Int] == ["scheduled": 5, "completed": 1, "failed": 1, "due": 3])

                #expect(byName["account-expiry"]?["kind"] as? String == "lifeCycle")
                #expect(byName["Account changes"]?["kind"] as? String == "notifications")
                #expect(byName["account-reminder"]?["kind"] as? String == "reminder")
                #expect(byName["audit-retention"]?["kind"] as? String == "audit")
                #expect(byName["future-campaign"]?["schedule"] as? String == "2099-12-31T23:59:00+01:00")
                #expect((byName["future-campaign"]?["subtasks"] as? [String: Int])?["due"] == 0)

                let broken = try #require(byName["broken-schedule"])
                #expect(broken["schedule"] is NSNull)
                #expect((broken["problems"] as? [String])?.first?.contains("fdTasksScheduleDate") == true)
            }
        }

        @Test func aKindListsSettingsAndSubTasksWithTheirStatus() async throws {
            try await withClient { client, token in
                let (status, body) = try await object(client, "/api/tasks/mail", token)
                #expect(status == .ok)
                #expect(body["timezone"] as? String == "Europe/Paris")
                let tasks = Self.byName(body["tasks"] as? [[String: Any]] ?? [])
                let welcome = try #require(tasks["welcome-mail"])
                let settings = try #require(welcome["settings"] as? [String: Any])
                #expect(settings["template"] as? String == "welcome")
                #expect(settings["senders"] as? [String] == ["noreply@example.org"])
                #expect(settings["bcc"] as? [String] == ["audit@example.org"])
                let subTasks = Dictionary((welcome["subtasks"] as? [[String: Any]] ?? []).map { ($0["cn"] as? String ?? "", $0) }) { a, _ in a }

                let m1 = try #require(subTasks["welcome-mail-SubTask-1793607304_5113"])
                #expect(m1["status"] as? String == "scheduled")
                #expect(m1["due"] as? Bool == true)
                #expect(m1["error"] is NSNull)
                #expect(m1["recipients"] as? [String] == ["emile.faure@example.org"])
                #expect(m1["from"] as? String == "noreply@example.org")
                #expect(m1["bcc"] as? [String] == ["audit@example.org"])
                #expect(m1["template"] as? String == "welcome")
                #expect(m1["schedule"] as? String == "2026-11-02T10:00:00+01:00")

                let m3 = try #require(subTasks["welcome-mail-SubTask-1793607304_5115"])
                #expect(m3["status"] as? String == "completed")
                #expect(m3["due"] as? Bool == false)
                let m4 = try #require(subTasks["welcome-mail-SubTask-1793607304_5116"])
                #expect(m4["status"] as? String == "failed")
                #expect(m4["error"] as? String == "550 5.1.1 <ghost@example.org>: user unknown")

                let malformed = try #require(subTasks["welcome-mail-SubTask-1793607304_9901"])
                #expect(malformed["schedule"] is NSNull)
                #expect(malformed["due"] as? Bool == false)
                #expect((malformed["problems"] as? [String])?.isEmpty == false)
                // The unknown type is not a mail sub-task: it is not listed under mail at all.
                #expect(subTasks["welcome-mail-SubTask-1793607304_9902"] == nil)
            }
        }

        @Test(arguments: [("lifeCycle", "account-expiry"), ("LIFECYCLE", "account-expiry"), ("notifications", "Account changes"), ("Reminder", "account-reminder"), ("audit", "audit-retention")])
        func everyKindAnswersWithItsTasksAndSettings(kind: String, name: String) async throws {
            try await withClient { client, token in
                let (status, body) = try await object(client, "/api/tasks/\(kind)", token)
                #expect(status == .ok)
                let task = try #require(Self.byName(body["tasks"] as? [[String: Any]] ?? [])[name])
                #expect(task["settings"] is [String: Any])
                #expect((task["subtasks"] as? [[String: Any]])?.isEmpty == false)
            }
        }

        @Test func kindSettingsAreTyped() async throws {
            try await withClient { client, token in
                let (_, lifeCycle) = try await object(client, "/api/tasks/lifeCycle", token)
                let expiry = try #require(Self.byName(lifeCycle["tasks"] as? [[String: Any]] ?? [])["account-expiry"]?["settings"] as? [String: Any])
                #expect(expiry["pre"] as? String == "{COMPTE}A:SupannActif")
                #expect(expiry["post"] as? String == "{COMPTE}I:SupannExpire")
                #expect(expiry["postEndDays"] as? Int == 30)

                let (_, reminder) = try await object(client, "/api/tasks/reminder", token)
                let account = try #require(Self.byName(reminder["tasks"] as? [[String: Any]] ?? [])["account-reminder"]?["settings"] as? [String: Any])
                #expect(account["firstCallDays"] as? Int == 30)
                #expect(account["secondCallDays"] as? Int == 15)
                #expect(account["accountProlongation"] as? Bool == true)
                #expect(account["recipientMails"] as? [String] == ["hr@example.org"])

                let (_, audit) = try await object(client, "/api/tasks/audit", token)
                let retention = try #require(Self.byName(audit["tasks"] as? [[String: Any]] ?? [])["audit-retention"]?["settings"] as? [String: Any])
                #expect(retention["retentionDays"] as? Int == 30)
                // The sub-task whose main task was deleted is still shown.
                let orphans = audit["orphanSubtasks"] as? [[String: Any]] ?? []
                #expect(orphans.map { $0["cn"] as? String } == ["deleted-task-SubTask-1793607304_9903"])
            }
        }

        @Test func statusDueAndPagingFilterTheSubTasks() async throws {
            try await withClient { client, token in
                let (_, failed) = try await object(client, "/api/tasks/mail?status=failed", token)
                let failedCNs = (failed["tasks"] as? [[String: Any]] ?? []).flatMap { ($0["subtasks"] as? [[String: Any]] ?? []).map { $0["cn"] as? String } }
                #expect(failedCNs == ["welcome-mail-SubTask-1793607304_5116"])

                let (_, due) = try await object(client, "/api/tasks/mail?due=true", token)
                let dueCount = (due["tasks"] as? [[String: Any]] ?? []).reduce(0) { $0 + (($1["subtasks"] as? [[String: Any]])?.count ?? 0) }
                #expect(dueCount == 4)

                var seen: [String] = []
                var cursor: String?
                repeat {
                    let uri = "/api/tasks/mail?limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
                    let (status, page) = try await object(client, uri, token)
                    #expect(status == .ok)
                    seen += (page["tasks"] as? [[String: Any]] ?? []).flatMap { ($0["subtasks"] as? [[String: Any]] ?? []).compactMap { $0["cn"] as? String } }
                    cursor = (page["page"] as? [String: Any])?["next"] as? String
                } while cursor != nil && seen.count < 100
                #expect(seen.count == 8)
                #expect(Set(seen).count == 8)
            }
        }

        @Test func oneTaskByNameAndUnknownsAre404() async throws {
            try await withClient { client, token in
                let (status, task) = try await object(client, "/api/tasks/notifications/Account%20changes", token)
                #expect(status == .ok)
                #expect(task["name"] as? String == "Account changes")
                #expect((task["subtasks"] as? [[String: Any]])?.count == 6)

                let (missing, body) = try await object(client, "/api/tasks/mail/no-such-task", token)
                #expect(missing == .notFound)
                #expect((body["error"] as? [String: Any])?["code"] as? String == "task.not_found")

                for kind in ["Ldap", "..%2F..%2Fetc", "removeSubTasks", "fdTasksMail", "*"] {
                    let (status, body) = try await object(client, "/api/tasks/\(kind)", token)
                    #expect(status == .notFound, "\(kind)")
                    #expect((body["error"] as? [String: Any])?["code"] as? String == "task.unknown_kind", "\(kind)")
                }
            }
        }

        /// The listings are written by `SortedJSONEncoder`: byte for byte what `JSONEncoder` with
        /// sorted keys writes for the same content, as every other response is.
        @Test func everyTaskResponseIsWhatJSONEncoderWritesWithSortedKeys() async throws {
            try await withClient { client, token in
                let uris = ["/api/tasks", "/api/tasks/mail?limit=3", "/api/tasks/mail/welcome-mail"]
                    + ["mail", "lifeCycle", "notifications", "reminder", "audit"].map { "/api/tasks/\($0)" }
                for uri in uris {
                    let (status, body) = try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                        (response.status, Data(buffer: response.body))
                    }
                    #expect(status == .ok, "\(uri)")
                    #expect(body.last == UInt8(ascii: "\n"), "\(uri)")
                    let served = body.dropLast()
                    let expected = try AnyJSON.reencoded(served)
                    #expect(String(decoding: served, as: UTF8.self) == String(decoding: expected, as: UTF8.self), "\(uri)")
                }
            }
        }

        @Test func badQueriesAre400AndMissingTokens401() async throws {
            try await withClient { client, token in
                for query in ["status=done", "due=maybe", "limit=0", "limit=abc", "cursor=%25%25"] {
                    let (status, body) = try await object(client, "/api/tasks/mail?\(query)", token)
                    #expect(status == .badRequest, "\(query)")
                    #expect((body["error"] as? [String: Any])?["code"] as? String == "task.invalid_query", "\(query)")
                }
                let anonymous = try await client.json(.get, "/api/tasks")
                #expect(anonymous.status == .unauthorized)
                #expect(anonymous.headers[.wwwAuthenticate] != nil)
            }
        }

        /// As PHP answered: a wrong method on a task path is 405 with `Allow`, with or without a
        /// token, and never hides the real PATCH that runs an operation.
        @Test func wrongMethodsOnTaskPathsAre405WithAllow() async throws {
            try await withClient { client, token in
                let cases: [(HTTPRequest.Method, String, String)] = [
                    (.post, "/api/tasks", "GET"), (.delete, "/orchestrator/api/tasks", "GET"), (.patch, "/api/tasks", "GET"),
                    (.post, "/api/tasks/mail", "GET, PATCH"), (.put, "/api/tasks/audit", "GET, PATCH"), (.delete, "/orchestrator/api/tasks/mail", "GET, PATCH"),
                    (.post, "/api/tasks/mail/welcome-mail", "GET"), (.patch, "/api/tasks/mail/welcome-mail", "GET"), (.delete, "/api/tasks/nokind/x", "GET"),
                ]
                for (method, path, allow) in cases {
                    for bearer in [nil, token] {
                        let response = try await client.json(method, path, bearer: bearer)
                        #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                        #expect(response.headers[.allow] == allow, "\(method) \(path)")
                        #expect(response.errorCode == "http.method_not_allowed", "\(method) \(path)")
                    }
                }
                // The real routes are untouched: PATCH runs (a dry-run here), GET lists, and runs keep theirs.
                let dryRun = try await client.json(.patch, "/api/tasks/mail?dryRun=true", bearer: token)
                #expect(dryRun.status == .ok)
                #expect(dryRun["operation"] == "mail")
                #expect(try await client.json(.patch, "/api/tasks/mail").status == .unauthorized)
                #expect(try await client.json(.patch, "/api/tasks/nothing", bearer: token).errorCode == "task.unknown_kind")
                #expect(try await object(client, "/api/tasks/mail/welcome-mail", token).0 == .ok)
                #expect(try await client.json(.get, "/api/runs", bearer: token).status == .ok)
            }
        }
    }
}
