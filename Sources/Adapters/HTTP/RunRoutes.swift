import Application
import Domain
import Foundation
import Hummingbird

/// `PATCH /api/tasks/{kind}` (Bearer): runs the due sub-tasks of a kind and answers the report.
public struct RunRoutes: Sendable {
    private let mail: RunMailTasks
    private let auth: AuthDependencies

    public init(mail: RunMailTasks, auth: AuthDependencies) {
        self.mail = mail
        self.auth = auth
    }

    public func register(on router: Router<AppRequestContext>) {
        for prefix in Router<AppRequestContext>.apiPrefixes {
            router.group(RouterPath(prefix + "/tasks")).add(middleware: BearerAuthMiddleware(auth: auth))
                .patch(":kind") { _, context in try await run(context) }
        }
    }

    private func run(_ context: AppRequestContext) async throws -> Response {
        let text = context.parameters.get("kind")?.removingPercentEncoding ?? ""
        guard let kind = TaskKind(pathComponent: text) else {
            if ["removesubtasks", "activatecyclictasks"].contains(text.lowercased()) {
                throw ServiceError(.notFound, code: "task.not_implemented", message: "\(text) is not available in this version yet")
            }
            throw ServiceError(.notFound, code: "task.unknown_kind", message: "unknown task kind; use one of \(TaskKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard kind == .mail else {
            throw ServiceError(.notFound, code: "task.not_implemented", message: "running \(kind.rawValue) tasks is not available in this version yet")
        }
        let report = try await mail()
        context.logger.info("mail run", metadata: [
            "run_id": .string(report.runID), "due": "\(report.summary.due)", "sent": "\(report.summary.sent)",
            "failed": "\(report.summary.failed)", "deferred": "\(report.summary.deferred)", "unknown": "\(report.summary.unknown)",
        ])
        return JSONBody.response(Self.json(report))
    }

    static func json(_ report: RunReport) -> [String: Any] {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return [
            "runId": report.runID,
            "kind": report.kind,
            "startedAt": formatter.string(from: report.startedAt),
            "endedAt": formatter.string(from: report.endedAt),
            "summary": [
                "due": report.summary.due, "sent": report.summary.sent, "failed": report.summary.failed,
                "deferred": report.summary.deferred, "skipped": report.summary.skipped, "unknown": report.summary.unknown,
            ],
            "skippedReason": report.skippedReason ?? NSNull(),
            "items": report.items.map { item in
                [
                    "subtask": item.subTask, "recipient": item.recipient ?? NSNull(),
                    "outcome": item.outcome.rawValue, "detail": item.detail ?? NSNull(),
                ] as [String: Any]
            },
        ]
    }
}
