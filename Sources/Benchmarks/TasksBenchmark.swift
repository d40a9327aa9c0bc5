import LDAPAdapter
import StateStoreAdapter
import AuthCryptoAdapter
import Application
import AsyncHTTPClient
import Domain
import Foundation
import NIOCore

/// `orchestrator-bench tasks`: the task listings over HTTP against a running service (started by
/// `scripts/bench tasks` on a directory of 10,000 sub-tasks), next to the same LDAP searches run
/// in-process, so the endpoint's cost can be read against slapd's.
///
/// One endpoint request = one main-task search + one sub-task search, run concurrently (as
/// `ListTasks` does), so the in-process rows measure *pairs* of searches: the ratio compares
/// requests/s with pairs/s. Layers, from the bottom:
/// - `LDAPClient.search`: slapd + libldap + `DirectoryEntry` decoding (the pure LDAP cost);
/// - `LDAPTaskDirectory`: the same searches plus parsing into `MainTask`/`SubTask`;
/// - `ListTasks`: plus the in-memory join, counts, sort and paging;
/// - HTTP: plus authentication, JSON encoding and the transfer.
struct TasksBenchmark {
    let baseURL: String
    let username: String
    let password: String
    let ldap: LDAPClient.Configuration
    let ldapBase: String
    let concurrency: Int
    let seconds: Double
    let warmup: Int
    let limit: Int

    /// One endpoint and the searches behind it (the filters of `LDAPTaskDirectory`).
    struct Case {
        let path: String
        let kind: TaskKind?
        var mainFilter: LDAPFilter {
            kind.map { .and([.objectClass("fdTasks"), .objectClass($0.objectClass)]) } ?? .objectClass("fdTasks")
        }
        var subFilter: LDAPFilter {
            kind.map { .and([.objectClass("fdTasksGranular"), .equal("fdTasksGranularType", $0.granularType)]) } ?? .objectClass("fdTasksGranular")
        }
    }

    func run() async throws {
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(timeout: .init(connect: .seconds(5), read: .seconds(60))))
        do {
            try await run(http)
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    private func run(_ http: HTTPClient) async throws {
        let client = LDAPClient(configuration: ldap)
        let directory = LDAPTaskDirectory(client: client, base: ldapBase)
        let settings = DirectorySettings(directory: directory, clock: SystemWallClock())
        // ttl 0: every listing reads the directory (concurrent ones share a read), as a cold snapshot.
        let counts = TaskCounts(directory: directory, settings: settings, clock: SystemWallClock(), ttl: 0)
        let listTasks = ListTasks(directory: directory, settings: settings, counts: counts, clock: SystemWallClock())
        let query = SubTaskQuery(limit: limit)
        let cases = [Case(path: "/api/tasks", kind: nil), Case(path: "/api/tasks/mail?limit=\(limit)", kind: .mail)]

        print("concurrency \(concurrency), \(Self.format(seconds, "%.0f")) s per row after \(warmup) warm-up operations; LDAP pool \(ldap.maxConnections) connections, pages of \(ldap.pageSize)")
        for item in cases {
            let raw = try await searchPair(client, item)
            print("")
            print("== GET \(item.path): \(raw.main) main tasks, \(raw.sub) sub-tasks in the directory's answer")

            let token = try await login(http)
            let probe = try await get(http, item.path, bearer: token)
            let shape = try Self.describe(probe, kind: item.kind)
            let sizeText = Self.bytes(probe.readableBytes)
            let endpoint = try await measure { _ = try await get(http, item.path, bearer: token) }
            print(row("HTTP endpoint", endpoint, "requests", extra: "\(sizeText)/response (\(shape))"))

            let listing = try await measure {
                if let kind = item.kind { _ = try await listTasks.ofKind(kind, query: query) } else { _ = try await listTasks.all() }
            }
            print(row("in-process ListTasks", listing, "requests", extra: "join + sort + page, no HTTP/JSON"))

            let parsed = try await measure {
                async let tasks = directory.mainTasks(kind: item.kind)
                async let subTasks = directory.subTasks(kind: item.kind)
                _ = try await (tasks, subTasks)
            }
            print(row("in-process LDAPTaskDirectory", parsed, "pairs", extra: "\(Self.format(parsed.rate * 2, "%.1f")) searches/s, with parsing"))

            let searches = try await measure { _ = try await searchPair(client, item) }
            print(row("raw LDAPClient.search", searches, "pairs", extra: "\(Self.format(searches.rate * 2, "%.1f")) searches/s, same filters/attributes/paging"))

            let ratio = endpoint.rate / searches.rate
            print(
                "ratio endpoint/raw search: \(Self.format(ratio, "%.2f")) (target >= 0.5: \(ratio >= 0.5 ? "met" : "NOT met")); "
                    + "endpoint/parsed \(Self.format(endpoint.rate / parsed.rate, "%.2f")), endpoint/ListTasks \(Self.format(endpoint.rate / listing.rate, "%.2f"))"
            )
            print(String(
                format: "mean time per request: raw search %.1f ms, +parsing %+.1f ms, +join/sort/page %+.1f ms, +auth/JSON/HTTP %+.1f ms",
                searches.mean * 1e3, (parsed.mean - searches.mean) * 1e3, (listing.mean - parsed.mean) * 1e3, (endpoint.mean - listing.mean) * 1e3
            ))
        }
    }

    /// The two searches of one request, concurrently; returns the entry counts.
    private func searchPair(_ client: LDAPClient, _ item: Case) async throws -> (main: Int, sub: Int) {
        async let tasks = client.search(base: ldapBase, filter: item.mainFilter, attributes: LDAPTaskDirectory.mainTaskAttributes)
        async let subTasks = client.search(base: ldapBase, filter: item.subFilter, attributes: LDAPTaskDirectory.subTaskAttributes)
        let (main, sub) = try await (tasks, subTasks)
        return (main.count, sub.count)
    }

    // MARK: - measuring

    struct Sample {
        let latencies: [Double]  // seconds, sorted
        let wall: Double
        var count: Int { latencies.count }
        var rate: Double { Double(count) / wall }
        var p50: Double { percentile(0.50) }
        var p99: Double { percentile(0.99) }
        var mean: Double { latencies.isEmpty ? .nan : latencies.reduce(0, +) / Double(latencies.count) }

        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return .nan }
            let rank = Int((p * Double(latencies.count)).rounded(.up)) - 1
            return latencies[min(max(rank, 0), latencies.count - 1)]
        }
    }

    /// `warmup` untimed operations, then `concurrency` workers for `seconds` (at least 2 operations each).
    private func measure(_ body: @escaping @Sendable () async throws -> Void) async throws -> Sample {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask { for _ in stride(from: worker, to: warmup, by: concurrency) { try await body() } }
            }
            try await group.waitForAll()
        }
        let clock = ContinuousClock()
        let started = clock.now
        let deadline = started + .milliseconds(Int(seconds * 1000))
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var local: [Double] = []
                    repeat {
                        let before = clock.now
                        try await body()
                        local.append(Self.seconds(clock.now - before))
                    } while clock.now < deadline || local.count < 2  // a few samples even when one operation takes longer than `seconds`
                    return local
                }
            }
            var all: [Double] = []
            for try await part in group { all.append(contentsOf: part) }
            return all
        }
        return Sample(latencies: latencies.sorted(), wall: Self.seconds(clock.now - started))
    }

    private func row(_ name: String, _ sample: Sample, _ unit: String, extra: String) -> String {
        let label = name.padding(toLength: 30, withPad: " ", startingAt: 0)
        let perSecond = (unit + "/s").padding(toLength: 10, withPad: " ", startingAt: 0)
        let figures = String(
            format: "%5d in %5.1f s = %7.1f", sample.count, sample.wall, sample.rate
        )
        let latency = String(format: "p50 %7.1f ms  p99 %7.1f ms", sample.p50 * 1e3, sample.p99 * 1e3)
        return "\(label) \(figures) \(perSecond) \(latency)  \(extra)"
    }

    // MARK: - HTTP

    private func login(_ http: HTTPClient) async throws -> String {
        var request = HTTPClientRequest(url: baseURL + "/api/login")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: ["username": username, "password": password])))
        let body = try await send(http, request)
        guard let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
              let token = object["access_token"] as? String else { throw BenchError("login: no access_token") }
        return token
    }

    /// The raw body: it is not parsed in the timed loop (the client shares the cores with the service).
    private func get(_ http: HTTPClient, _ path: String, bearer: String) async throws -> ByteBuffer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.headers.add(name: "Authorization", value: "Bearer \(bearer)")
        return try await send(http, request)
    }

    private func send(_ http: HTTPClient, _ request: HTTPClientRequest) async throws -> ByteBuffer {
        let response = try await http.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 1 << 30)
        guard response.status == .ok else { throw BenchError("\(request.url): HTTP \(response.status.code) \(String(buffer: body).prefix(500))") }
        return body
    }

    /// What one response held (parsed once, outside the timed loop).
    private static func describe(_ body: ByteBuffer, kind: TaskKind?) throws -> String {
        let json = try JSONSerialization.jsonObject(with: Data(buffer: body))
        if kind == nil {
            guard let tasks = json as? [[String: Any]] else { throw BenchError("GET /api/tasks: not an array") }
            let counted = tasks.reduce(0) { total, task in
                let counts = task["subtasks"] as? [String: Any] ?? [:]
                return total + ["scheduled", "completed", "failed"].reduce(0) { $0 + (counts[$1] as? Int ?? 0) }
            }
            return "\(tasks.count) tasks, \(counted) sub-tasks counted"
        }
        guard let object = json as? [String: Any], let page = object["page"] as? [String: Any] else { throw BenchError("no page in the kind listing") }
        return "\((object["tasks"] as? [Any])?.count ?? 0) tasks, \(page["returned"] as? Int ?? -1) sub-tasks returned"
    }

    // MARK: - formatting

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private static func bytes(_ count: Int) -> String {
        count >= 1 << 20 ? format(Double(count) / 1_048_576, "%.2f MiB") : format(Double(count) / 1024, "%.1f KiB")
    }

    private static func format(_ value: Double, _ pattern: String) -> String { String(format: pattern, value) }
}
