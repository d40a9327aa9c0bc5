import Application
import AsyncHTTPClient
import Domain
import Foundation
import LDAPAdapter
import NIOCore

/// The pieces of `scripts/bench audit`: load a directory of audit events (or completed
/// sub-tasks), time the service's run over HTTP, and time a minimal client doing the same paged
/// search and deletes against the same slapd. The script starts a fresh service for each timed
/// run and reads its peak RSS (VmHWM) afterwards.
enum BulkDeleteBenchmark {
    static let auditBase = "ou=audit"

    /// Adds `old` events older than `retentionDays` and `young` newer ones, `concurrency` adds at a time.
    static func loadEvents(ldap: LDAPClient, base: String, old: Int, young: Int, retentionDays: Int, concurrency: Int) async throws {
        let now = Date()
        let started = ContinuousClock.now
        try await inParallel(old + young, concurrency: concurrency) { index in
            // Old: spread over the year before the cutoff; young: over the retention period.
            let age: TimeInterval = index < old
                ? TimeInterval(retentionDays + 1) * 86_400 + Double(index % 300) * 86_400 + Double(index) * 0.37
                : (Double(index - old) * 37.1).truncatingRemainder(dividingBy: TimeInterval(retentionDays - 1) * 86_400) + 60
            let stamp = GeneralizedTime(date: now.addingTimeInterval(-age)).ldapString
            try await ldap.add("fdAuditDateTime=\(stamp)+fdAuditId=\(index),\(auditBase),\(base)", attributes: [
                ("objectClass", ["fdAuditEvent"]), ("fdAuditDateTime", [stamp]), ("fdAuditAction", ["modify"]),
                ("fdAuditAuthorDN", ["uid=hroux,ou=people,\(base)"]), ("fdAuditObject", ["uid=user\(index % 500),ou=people,\(base)"]),
                ("fdAuditObjectType", ["plugin/user"]), ("fdAuditAttributes", [#"{"telephoneNumber":["+33 1 23 45 67 89"]}"#]),
                ("fdAuditResult", ["Success"]), ("fdAuditId", [String(index)]), ("fdAuditAuthorIP", ["192.0.2.10"]),
            ])
        }
        print(String(format: "loaded %d events (%d older than %d days) in %.1f s", old + young, old, retentionDays, seconds(since: started)))
    }

    /// Adds a main task with `completed` sub-tasks in status `2` and `kept` in status `1`.
    static func loadSubTasks(ldap: LDAPClient, base: String, completed: Int, kept: Int, concurrency: Int) async throws {
        let master = "cn=bench-removal,ou=tasks,\(base)"
        try await ldap.add(master, attributes: [
            ("objectClass", ["fdTasks", "fdTasksMail"]), ("cn", ["bench-removal"]), ("fdTasksStatus", ["1"]),
            ("fdTasksCreationDate", ["2026-11-02 09:14:37am"]), ("fdTasksScheduleDate", ["20261102100000"]), ("fdTasksRepeatable", ["FALSE"]),
            ("fdTasksMailObject", ["welcome"]), ("fdTasksEmailSender", ["noreply@example.org"]),
        ])
        let started = ContinuousClock.now
        try await inParallel(completed + kept, concurrency: concurrency) { index in
            let cn = "bench-removal-SubTask-1793607304_\(index)"
            try await ldap.add("cn=\(cn),ou=tasks,\(base)", attributes: [
                ("objectClass", ["fdTasksGranular"]), ("cn", [cn]), ("fdTasksGranularMaster", [master]), ("fdTasksGranularType", ["Mail Object"]),
                ("fdTasksGranularSchedule", ["20261102100000"]), ("fdTasksGranularStatus", [index < completed ? "2" : "1"]),
                ("fdTasksGranularMail", ["user\(index)@example.org"]), ("fdTasksGranularMailFrom", ["noreply@example.org"]),
                ("fdTasksGranularRef", ["welcome"]),
            ])
        }
        print(String(format: "loaded %d sub-tasks (%d completed) in %.1f s", completed + kept, completed, seconds(since: started)))
    }

    /// The minimal client: one paged search (DNs only) on one connection, each page's entries
    /// deleted one after the other on a second connection. Prints `seconds=… deleted=…`.
    static func bare(search: LDAPClient, deletes: LDAPClient, base: String, filter: LDAPFilter) async throws {
        let started = ContinuousClock.now
        let count = Count()
        try await search.forEachPage(base: base, filter: filter, attributes: ["1.1"]) { page in
            for entry in page {
                try await deletes.delete(entry.dn)
                await count.add()
            }
        }
        print(String(format: "seconds=%.2f deleted=%d", seconds(since: started), await count.value))
    }

    /// The service's filters, written out again (the bare client must not share the service's code).
    static func oldEvents(retentionDays: Int) -> LDAPFilter {
        let cutoff = GeneralizedTime(date: Date().addingTimeInterval(-TimeInterval(retentionDays) * 86_400)).ldapString
        return .and([.objectClass("fdAuditEvent"), .lessOrEqual("fdAuditDateTime", cutoff), .not(.equal("fdAuditDateTime", cutoff))])
    }

    static let completedSubTasks = LDAPFilter.and([.objectClass("fdTasksGranular"), .equal("fdTasksGranularStatus", "2")])

    /// Logs in, sends `PATCH /api/tasks/<operation>` and prints `seconds=…` and the report's counts.
    static func patch(url: String, username: String, password: String, operation: String) async throws {
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(timeout: .init(connect: .seconds(5), read: .seconds(1_800))))
        do {
            var login = HTTPClientRequest(url: url + "/api/login")
            login.method = .POST
            login.headers.add(name: "Content-Type", value: "application/json")
            login.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: ["username": username, "password": password])))
            let token = try (json(try await send(http, login))["access_token"] as? String).orThrow("login: no access_token")
            var request = HTTPClientRequest(url: url + "/api/tasks/\(operation)")
            request.method = .PATCH
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            let started = ContinuousClock.now
            let report = try json(try await send(http, request))
            let elapsed = seconds(since: started)
            let counts: String
            if let passes = report["retention"] as? [[String: Any]] {
                counts = "deleted=\(passes.reduce(0) { $0 + ($1["deleted"] as? Int ?? 0) }) failed=\(passes.reduce(0) { $0 + ($1["failed"] as? Int ?? 0) })"
            } else {
                let removals = report["removals"] as? [[String: Any]] ?? []
                counts = "deleted=\(removals.reduce(0) { $0 + ($1["removed"] as? Int ?? 0) }) failed=\(removals.reduce(0) { $0 + ($1["failed"] as? Int ?? 0) })"
            }
            print(String(format: "seconds=%.2f ", elapsed) + counts)
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    private static func send(_ http: HTTPClient, _ request: HTTPClientRequest) async throws -> ByteBuffer {
        let response = try await http.execute(request, timeout: .seconds(1_800))
        let body = try await response.body.collect(upTo: 1 << 30)
        guard response.status == .ok else { throw BenchError("\(request.url): HTTP \(response.status.code) \(String(buffer: body).prefix(500))") }
        return body
    }

    private static func json(_ body: ByteBuffer) throws -> [String: Any] {
        try (JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]).orThrow("not a JSON object")
    }

    private static func inParallel(_ count: Int, concurrency: Int, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask { for index in stride(from: worker, to: count, by: concurrency) { try await body(index) } }
            }
            try await group.waitForAll()
        }
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let duration = ContinuousClock.now - start
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

private actor Count {
    var value = 0
    func add() { value += 1 }
}

extension Optional {
    func orThrow(_ message: String) throws -> Wrapped {
        guard let self else { throw BenchError(message) }
        return self
    }
}
