import AdapterSupport
import Application
import Domain
import Foundation
import Hummingbird

/// `GET /api/tasks`, `/api/tasks/{kind}` and `/api/tasks/{kind}/{name}` (Bearer).
public struct TaskRoutes: Sendable {
    private let tasks: ListTasks
    private let auth: AuthDependencies
    private let clock: any WallClock
    /// Kind listings and single tasks (pages of up to 10,000 sub-tasks) are built through it.
    private let gate: ListingGate

    public init(tasks: ListTasks, auth: AuthDependencies, clock: any WallClock, gate: ListingGate = ListingGate(width: 2)) {
        self.tasks = tasks
        self.auth = auth
        self.clock = clock
        self.gate = gate
    }

    public func register(on router: APIRouter) {
        for base in router.groups("/tasks") {
            let group = base.add(middleware: BearerAuthMiddleware(auth: auth))
            group.get { _, _ in try await all() }
            group.get(":kind") { request, context in try await ofKind(request, context) }
            group.get(":kind/:name") { _, context in try await one(context) }
        }
        router.rejectMethods(on: "/tasks", allowing: [.get])
        // PATCH runs an operation (RunRoutes).
        router.rejectMethods(on: "/tasks/:kind", allowing: [.get, .patch])
        router.rejectMethods(on: "/tasks/:kind/:name", allowing: [.get])
    }

    /// Every main task with its sub-task counts: a JSON array, as the PHP client expects.
    private func all() async throws -> Response {
        let (zone, summaries, age) = try await tasks.all()
        let timestamps = TaskJSON.Timestamps(zone: zone, now: clock.now())
        return Self.aged(try TaskJSON.response(summaries.map { TaskJSON.Summary($0, timestamps) }), age)
    }

    /// The counts come from a snapshot (`TaskCounts`): `Age` says how many whole seconds old it is.
    static func aged(_ response: Response, _ age: TimeInterval) -> Response {
        var response = response
        response.headers[.age] = String(Int(age.rounded(.down)))
        return response
    }

    private func ofKind(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let kind = try Self.kind(context)
        let query = try Self.query(request.uri.queryParameters)
        let (tasks, clock) = (self.tasks, self.clock)
        return try await gate.run {
            let listing = try await tasks.ofKind(kind, query: query)
            let body = TaskJSON.Listing(listing, limit: query.limit, now: clock.now())
            return Self.aged(try TaskJSON.response(body, reserving: body.estimatedSize), listing.countsAge)
        }
    }

    private func one(_ context: AppRequestContext) async throws -> Response {
        let kind = try Self.kind(context)
        let raw = context.parameters.get("name") ?? ""
        guard let name = raw.removingPercentEncoding, !name.isEmpty else {
            throw ServiceError(.invalidInput, code: "task.invalid_name", message: "malformed task name")
        }
        let (tasks, clock) = (self.tasks, self.clock)
        return try await gate.run {
            guard let (zone, detail) = try await tasks.one(kind, named: name) else {
                throw ServiceError(.notFound, code: "task.not_found", message: "no \(kind.rawValue) task named \(String(name.prefix(100)))")
            }
            return try TaskJSON.response(TaskJSON.Detail(detail, TaskJSON.Timestamps(zone: zone, now: clock.now())))
        }
    }

    /// The kind comes from a closed list; the path text is never used to build a filter or pick code.
    static func kind(_ context: AppRequestContext) throws -> TaskKind {
        guard let text = context.parameters.get("kind")?.removingPercentEncoding, let kind = TaskKind(pathComponent: text) else {
            throw ServiceError(.notFound, code: "task.unknown_kind", message: "unknown task kind; use one of \(TaskKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return kind
    }

    static func query(_ parameters: Parameters) throws -> SubTaskQuery {
        var query = SubTaskQuery()
        if let status = parameters.get("status") {
            guard let parsed = SubTaskQuery.Status(rawValue: status.lowercased()) else {
                throw ServiceError(.invalidInput, code: "task.invalid_query", message: "status must be scheduled, completed or failed")
            }
            query.status = parsed
        }
        if let due = parameters.get("due") {
            switch due.lowercased() {
            case "true", "1": query.due = true
            case "false", "0": query.due = false
            default: throw ServiceError(.invalidInput, code: "task.invalid_query", message: "due must be true or false")
            }
        }
        if let limit = parameters.get("limit") {
            guard let parsed = Int(limit), (1...SubTaskQuery.maximumLimit).contains(parsed) else {
                throw ServiceError(.invalidInput, code: "task.invalid_query", message: "limit must be an integer in 1...\(SubTaskQuery.maximumLimit)")
            }
            query.limit = parsed
        }
        if let cursor = parameters.get("cursor") {
            guard let dn = Cursor.decode(cursor) else {
                throw ServiceError(.invalidInput, code: "task.invalid_query", message: "invalid cursor")
            }
            query.after = dn
        }
        return query
    }
}

/// Page cursors are opaque to clients: base64url of the last DN of the previous page.
enum Cursor {
    static func encode(_ dn: String) -> String {
        Data(dn.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> String? {
        guard text.utf8.count <= 4096, let data = Data(base64URLEncoded: text), let dn = String(data: data, encoding: .utf8), !dn.isEmpty else { return nil }
        return dn
    }
}
