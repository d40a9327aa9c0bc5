import Application
import Domain
import Foundation
import Hummingbird

/// `PATCH /api/tasks/{operation}` runs an operation (`?dryRun=true[&asOf=<ISO 8601>]` previews
/// it); `GET /api/runs`, `GET /api/runs/{id}` read the history; `POST /api/runs/resolve` settles
/// an item whose outcome is unknown, `POST /api/runs/redrive` schedules a failed sub-task again. All Bearer.
public struct RunRoutes: Sendable {
    private let runs: RunTasks
    private let records: RunRecords
    private let auth: AuthDependencies

    public init(runs: RunTasks, records: RunRecords, auth: AuthDependencies) {
        self.runs = runs
        self.records = records
        self.auth = auth
    }

    public func register(on router: APIRouter) {
        for group in router.groups("/tasks") {
            group.add(middleware: BearerAuthMiddleware(auth: auth))
                .patch(":kind") { request, context in try await run(request, context) }
        }
        for group in router.groups("/runs") {
            let history = group.add(middleware: BearerAuthMiddleware(auth: auth))
            history.get { request, _ in try await list(request) }
            history.post("resolve") { request, context in try await resolve(request, context) }
            history.post("redrive") { request, context in try await redrive(request, context) }
            history.get(":id") { _, context in try await show(context) }
        }
    }

    private func run(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let operation = try Self.operation(context.parameters.get("kind")?.removingPercentEncoding ?? "")
        let mode = try RunQuery.mode(request.uri.queryParameters)
        let report = try await runs(operation, mode: mode, trigger: .http)
        context.logger.info("run", metadata: [
            "run_id": .string(report.runID), "operation": .string(report.operation), "dry_run": "\(report.dryRun)",
            "due": "\(report.summary.due)", "applied": "\(report.summary.applied)", "failed": "\(report.summary.failed)",
            "deferred": "\(report.summary.deferred)", "unknown": "\(report.summary.unknown)",
        ])
        return try RunJSON.response(report)
    }

    private func list(_ request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters
        let operation = try parameters.get("operation").map { text in
            guard let operation = RunOperation(name: text) else {
                throw ServiceError(.invalidInput, code: "run.invalid_query", message: "operation must be one of \(RunOperation.all.map(\.name).joined(separator: ", "))")
            }
            return operation
        }
        let limit = try RunQuery.limit(parameters)
        let cursor = try parameters.get("cursor").map { text -> RunCursor in
            guard let cursor = RunQuery.decodeCursor(text) else {
                throw ServiceError(.invalidInput, code: "run.invalid_query", message: "invalid cursor")
            }
            return cursor
        }
        let page = try await records.list(operation: operation, limit: limit, before: cursor)
        return try RunJSON.response(RunJSON.Page(runs: page.runs.map(RunJSON.Header.init), next: page.next.map(RunQuery.encodeCursor)))
    }

    private func show(_ context: AppRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard !id.isEmpty, id.utf8.count <= 200 else { throw ServiceError(.notFound, code: "run.not_found", message: "no run with that id") }
        return try RunJSON.response(try await records.show(id: id))
    }

    private func redrive(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        guard let input = try? JSONDecoder().decode(RunJSON.Redrive.self, from: Data(buffer: body)), !input.subtask.isEmpty else {
            throw ServiceError(.invalidInput, code: "run.invalid_redrive", message: "expected {\"operation\", \"subtask\"}: the operation and the DN of a failed sub-task")
        }
        let operation = try Self.operation(input.operation)
        let subTask = try await runs.redrive(operation, subTask: input.subtask, by: context.principal ?? "unknown")
        let previous: String = if case .failed(let reason) = subTask.status { reason } else { "" }
        context.logger.notice("sub-task re-driven", metadata: [
            "operation": .string(operation.name), "subtask": .string(input.subtask), "previous_status": .string(previous),
            "by": .string(context.principal ?? "unknown"),
        ])
        return try RunJSON.response(RunJSON.Redriven(operation: operation.name, subtask: input.subtask, previousStatus: previous))
    }

    private func resolve(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        guard let input = try? JSONDecoder().decode(RunJSON.Resolution.self, from: Data(buffer: body)) else {
            throw ServiceError(.invalidInput, code: "run.invalid_resolution", message: "expected {\"operation\", \"subtask\", \"target\", \"resolution\": \"applied\"|\"retry\"}")
        }
        guard let resolution = input.workResolution else {
            throw ServiceError(.invalidInput, code: "run.invalid_resolution", message: "resolution must be applied (alias sent) or retry (alias resend)")
        }
        let key = WorkKey(operation: try Self.operation(input.operation), subTaskDN: input.subtask, target: input.target)
        let record = try await runs.resolve(key, as: resolution, by: context.principal ?? "unknown")
        context.logger.notice("work item settled", metadata: [
            "operation": .string(key.operation.name), "subtask": .string(key.subTaskDN), "resolution": .string(resolution.rawValue),
            "by": .string(context.principal ?? "unknown"),
        ])
        return try RunJSON.response(RunJSON.Settled(record))
    }

    /// Operations come from a closed list; the path text never picks code or builds a filter.
    static func operation(_ text: String) throws -> RunOperation {
        guard let operation = RunOperation(name: text) else {
            throw ServiceError(.notFound, code: "task.unknown_kind", message: "unknown operation; use one of \(RunOperation.all.map(\.name).joined(separator: ", "))")
        }
        return operation
    }
}

/// The query parameters of the run routes.
enum RunQuery {
    static func mode(_ parameters: Parameters) throws -> RunMode {
        let dryRun: Bool
        switch parameters.get("dryRun")?.lowercased() {
        case nil, "false", "0": dryRun = false
        case "true", "1": dryRun = true
        default: throw ServiceError(.invalidInput, code: "run.invalid_query", message: "dryRun must be true or false")
        }
        guard let text = parameters.get("asOf") else { return dryRun ? .dryRun(asOf: nil) : .apply }
        guard dryRun else { throw ServiceError(.invalidInput, code: "run.invalid_query", message: "asOf needs dryRun=true") }
        guard let date = RunJSON.parseDate(text) else {
            throw ServiceError(.invalidInput, code: "run.invalid_query", message: "asOf must be an ISO 8601 date-time with an offset, e.g. 2026-12-01T10:00:00Z")
        }
        return .dryRun(asOf: date)
    }

    static func limit(_ parameters: Parameters) throws -> Int {
        guard let text = parameters.get("limit") else { return 50 }
        guard let limit = Int(text), (1...RunRecords.maximumLimit).contains(limit) else {
            throw ServiceError(.invalidInput, code: "run.invalid_query", message: "limit must be an integer in 1...\(RunRecords.maximumLimit)")
        }
        return limit
    }

    /// Opaque to clients: the last run's start (exact bits) and id, base64url.
    static func encodeCursor(_ cursor: RunCursor) -> String {
        Cursor.encode("\(cursor.startedAt.timeIntervalSinceReferenceDate.bitPattern) \(cursor.runID)")
    }

    static func decodeCursor(_ text: String) -> RunCursor? {
        guard let decoded = Cursor.decode(text), let space = decoded.firstIndex(of: " "),
              let bits = UInt64(decoded[..<space]) else { return nil }
        let seconds = Double(bitPattern: bits)
        let id = String(decoded[decoded.index(after: space)...])
        guard seconds.isFinite, !id.isEmpty else { return nil }
        return RunCursor(startedAt: Date(timeIntervalSinceReferenceDate: seconds), runID: id)
    }
}
