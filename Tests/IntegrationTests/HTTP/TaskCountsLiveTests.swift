@testable import Bootstrap
@testable import LDAPAdapter
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

extension LiveServices {
    /// The listings' count snapshot (`TaskCounts`, ORCHESTRATOR_LISTING_TTL) and paging, against
    /// the fixture of harness/ldap/demo.ldif and slapd; each test starts and ends with a fresh fixture.
    @Suite(.timeLimit(.minutes(3))) struct TaskCountsLiveTests {
        let services = TestServices.shared
        static let welcome = "cn=welcome-mail,ou=tasks,dc=example,dc=org"

        func withClient(ttl: Int, _ body: @escaping @Sendable (any TestClientProtocol, String) async throws -> Void) async throws {
            try services.freshFixtureAndMailbox()
            defer { try? services.freshFixtureAndMailbox() }
            let settings = try services.settings(["ORCHESTRATOR_LISTING_TTL": String(ttl)])
            let app = try await Composition.makeApplication(settings: settings, store: try services.embeddedStore(), logger: Logger(label: "counts"))
            try await app.test(.router) { client in
                let login = try await client.login("orchestrator", "orchestrator-pass")
                try await body(client, try #require(login["access_token"]))
            }
        }

        /// welcome-mail's counts as `GET /api/tasks` gives them, and the response's Age header.
        func welcomeCounts(_ client: any TestClientProtocol, _ token: String) async throws -> (counts: [String: Int], age: Int?) {
            try await client.execute(uri: "/api/tasks", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .ok)
                let tasks = (try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]]) ?? []
                let welcome = tasks.first { $0["name"] as? String == "welcome-mail" }
                return ((welcome?["subtasks"] as? [String: Int]) ?? [:], response.headers[.age].flatMap { Int($0) })
            }
        }

        func addSubTask(_ cn: String, master: String = welcome, status: String = "1") async throws {
            try await services.ldap().add("cn=\(cn),ou=tasks,dc=example,dc=org", attributes: [
                ("objectClass", ["fdTasksGranular"]), ("cn", [cn]), ("fdTasksGranularMaster", [master]),
                ("fdTasksGranularType", ["Mail Object"]), ("fdTasksGranularSchedule", ["20991231100000"]),
                ("fdTasksGranularStatus", [status]), ("fdTasksGranularMail", ["\(cn)@example.org"]), ("fdTasksGranularRef", ["welcome"]),
            ])
        }

        /// With a TTL far longer than the test, only this service's own write can explain new counts.
        @Test func countsChangeRightAfterARunOfThisService() async throws {
            try await withClient(ttl: 3_600) { client, token in
                let before = try await welcomeCounts(client, token)
                #expect(before.counts == ["scheduled": 5, "completed": 1, "failed": 1, "due": 3])
                #expect(before.age == 0)

                // FD's write (straight into LDAP) is not seen while the snapshot is young…
                try await addSubTask("welcome-mail-SubTask-added-by-fd")
                let cached = try await welcomeCounts(client, token)
                #expect(cached.counts == before.counts)
                #expect(cached.age != nil)

                // …but a run of this service makes the next answer read again.
                let run = try await client.execute(uri: "/api/tasks/mail", method: .patch, headers: [.authorization: "Bearer \(token)"]) { $0.status }
                #expect(run == .ok)
                let after = try await welcomeCounts(client, token)
                // M1 sent (completed), M2 refused by the relay (failed), M5 deferred, the new one scheduled in 2099.
                #expect(after.counts == ["scheduled": 4, "completed": 2, "failed": 2, "due": 1])
                #expect(after.age == 0)
            }
        }

        @Test func aSubTaskAddedInLDAPAppearsWithinTheTTL() async throws {
            try await withClient(ttl: 1) { client, token in
                let before = try await welcomeCounts(client, token)
                try await addSubTask("welcome-mail-SubTask-within-ttl")
                let added = ContinuousClock.now
                var seen: [String: Int] = [:]
                repeat {
                    seen = try await welcomeCounts(client, token).counts
                    if seen["scheduled"] == (before.counts["scheduled"] ?? 0) + 1 { break }
                    try await Task.sleep(for: .milliseconds(100))
                } while ContinuousClock.now - added < .seconds(10)
                let waited = ContinuousClock.now - added
                #expect(seen["scheduled"] == (before.counts["scheduled"] ?? 0) + 1)
                // The TTL plus one listing's time (generous on a loaded machine).
                #expect(waited < .seconds(4), "seen after \(waited)")
            }
        }

        /// Entries added between two page requests, before and after the cursor: no page repeats an
        /// entry, and every entry that was there from the start is returned once.
        @Test func pagesNeverOverlapOrSkipWhileEntriesAreAdded() async throws {
            try await withClient(ttl: 2) { client, token in
                let master = "cn=paging-mail,ou=tasks,dc=example,dc=org"
                try await services.ldap().add(master, attributes: [
                    ("objectClass", ["fdTasks", "fdTasksMail"]), ("cn", ["paging-mail"]), ("fdTasksStatus", ["1"]),
                    ("fdTasksCreationDate", ["2026-11-02 09:14:37am"]), ("fdTasksScheduleDate", ["20261102100000"]),
                    ("fdTasksRepeatable", ["FALSE"]), ("fdTasksMailObject", ["welcome"]), ("fdTasksEmailSender", ["bulk@example.org"]),
                ])
                for index in stride(from: 10, to: 40, by: 1) { try await addSubTask("paging-mail-SubTask-\(index)", master: master) }
                let initial = try await pageCNs(client, token, limit: 1_000).flatMap(\.self)

                var seen: [String] = []
                var cursor: String?
                var round = 0
                repeat {
                    let uri = "/api/tasks/mail?limit=7" + (cursor.map { "&cursor=\($0)" } ?? "")
                    let (names, next) = try await page(client, token, uri)
                    seen += names
                    cursor = next
                    // One entry sorting before everything returned so far, one after.
                    round += 1
                    try await addSubTask("paging-mail-SubTask-0\(round)", master: master)
                    try await addSubTask("paging-mail-SubTask-9\(round)", master: master)
                } while cursor != nil && round < 100
                #expect(cursor == nil)
                #expect(Set(seen).count == seen.count, "an entry came twice: \(seen)")
                #expect(Set(initial).isSubset(of: Set(seen)), "skipped: \(Set(initial).subtracting(seen).sorted())")
            }
        }

        func page(_ client: any TestClientProtocol, _ token: String, _ uri: String) async throws -> (names: [String], next: String?) {
            try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .ok)
                let body = (try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
                let names = (body["tasks"] as? [[String: Any]] ?? []).flatMap { ($0["subtasks"] as? [[String: Any]] ?? []).compactMap { $0["cn"] as? String } }
                    + (body["orphanSubtasks"] as? [[String: Any]] ?? []).compactMap { $0["cn"] as? String }
                return (names, (body["page"] as? [String: Any])?["next"] as? String)
            }
        }

        func pageCNs(_ client: any TestClientProtocol, _ token: String, limit: Int) async throws -> [[String]] {
            [try await page(client, token, "/api/tasks/mail?limit=\(limit)").names]
        }

        /// The status filter goes into the LDAP filter; the answer is what the in-memory rule keeps.
        @Test func statusFiltersSelectInTheDirectoryAndCountsStayWhole() async throws {
            try await withClient(ttl: 2) { client, token in
                // welcome-mail's Mail Object sub-tasks (its "Teleport" one is not of the kind).
                for (status, expected) in [("failed", 1), ("completed", 1), ("scheduled", 4)] {
                    let body = try await client.execute(uri: "/api/tasks/mail?status=\(status)", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                        #expect(response.status == .ok)
                        return (try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
                    }
                    let welcome = (body["tasks"] as? [[String: Any]] ?? []).first { $0["name"] as? String == "welcome-mail" }
                    let subTasks = welcome?["subtasks"] as? [[String: Any]] ?? []
                    #expect(subTasks.count == expected, "\(status)")
                    #expect(subTasks.allSatisfy { ($0["status"] as? String).map { status == "failed" ? !["1", "2"].contains($0) : true } ?? false })
                    // Counts are of every sub-task of the task and kind, whatever the filter.
                    #expect(welcome?["counts"] as? [String: Int] == ["scheduled": 4, "completed": 1, "failed": 1, "due": 3])
                }
            }
        }
    }
}
