import Domain
import Foundation

/// What each step asks the server and how its answer reads.
struct Operations {
    let session: Session
    let verbose: Bool

    func perform(_ step: Step) async throws -> StepOutcome {
        switch step {
        case .listTaskNames:
            return try await listTaskNames()
        case .showTasks(let kind, let name):
            return try await showTasks(kind: kind, name: name)
        case .run(let operation, let dryRun, let asOf):
            return try await run(operation, dryRun: dryRun, asOf: asOf)
        case .listRuns(let operation, let limit):
            return try await listRuns(operation: operation, limit: limit)
        case .showRun(let id):
            return try await showRun(id)
        case .settle(let runID, let item, let resolution):
            return try await settle(runID: runID, item: item, as: resolution)
        case .redrive(let operation, let subTask):
            return try await redrive(operation, subTask: subTask)
        }
    }

    /// A 2xx JSON answer, else the failure it means.
    private func json(_ answer: Answer, doing what: String) throws -> Any {
        guard (200..<300).contains(answer.status) else { throw Session.failure(answer, doing: what) }
        guard let value = try? JSONSerialization.jsonObject(with: answer.body, options: [.fragmentsAllowed]) else {
            throw ClientFailure(status: .serverError, code: "client.unexpected_answer", message: "\(what): HTTP \(answer.status) without a JSON body")
        }
        return value
    }

    private func object(_ answer: Answer, doing what: String) throws -> [String: Any] {
        guard let object = try json(answer, doing: what) as? [String: Any] else {
            throw ClientFailure(status: .serverError, code: "client.unexpected_answer", message: "\(what): the answer is not a JSON object")
        }
        return object
    }

    /// The PHP client printed the main tasks' unique `cn[0]`.
    private func listTaskNames() async throws -> StepOutcome {
        let body = try json(try await session.call(.GET, "/tasks"), doing: "GET /api/tasks")
        let tasks = body as? [[String: Any]] ?? []
        var names: [String] = []
        for task in tasks {
            guard let name = (task["name"] as? String) ?? (task["cn"] as? [String])?.first, !names.contains(name) else { continue }
            names.append(name)
        }
        return StepOutcome(
            name: "tasks", status: .ok, document: body, listing: names,
            summary: names.isEmpty ? "tasks: no tasks available" : "tasks: \(names.count) main task\(names.count == 1 ? "" : "s")"
        )
    }

    private func showTasks(kind: String?, name: String?) async throws -> StepOutcome {
        var path = "/tasks"
        if let kind { path += "/" + ServerConnection.pathSegment(kind) }
        if let name { path += "/" + ServerConnection.pathSegment(name) }
        let body = try json(try await session.call(.GET, path), doing: "GET /api\(path)")
        var listing: [String] = []
        func counts(_ value: Any?) -> String {
            let counts = value as? [String: Any] ?? [:]
            return ["scheduled", "completed", "failed", "due"].map { "\($0) \((counts[$0] as? Int) ?? 0)" }.joined(separator: " · ")
        }
        func subTaskLines(_ task: [String: Any]) -> [String] {
            (task["subtasks"] as? [[String: Any]] ?? []).map { sub in
                var line = "  \(sub["status"] as? String ?? "?")\(sub["due"] as? Bool == true ? " (due)" : "")  \(sub["cn"] as? String ?? sub["dn"] as? String ?? "?")"
                if let error = sub["error"] as? String { line += ": \(error)" }
                return line
            }
        }
        if let tasks = body as? [[String: Any]] {
            listing = tasks.map { "\($0["name"] as? String ?? "?")  \($0["kind"] as? String ?? "?")  \(counts($0["subtasks"]))" }
        } else if let object = body as? [String: Any], let tasks = object["tasks"] as? [[String: Any]] {
            for task in tasks {
                listing.append("\(task["name"] as? String ?? "?")  \(counts(task["counts"]))")
                listing += subTaskLines(task)
            }
            if let page = object["page"] as? [String: Any], page["next"] is String { listing.append("(more sub-tasks on the next page: use --json and ?cursor)") }
        } else if let task = body as? [String: Any] {
            listing.append("\(task["name"] as? String ?? "?")  \(task["kind"] as? String ?? "?")  \(counts(task["counts"]))")
            listing += subTaskLines(task)
        }
        return StepOutcome(name: "tasks", status: .ok, document: body, listing: listing, summary: "tasks: \(path.dropFirst())")
    }

    private func run(_ operation: RunOperation, dryRun: Bool, asOf: String?) async throws -> StepOutcome {
        var query: [(String, String)] = []
        if dryRun { query.append(("dryRun", "true")) }
        if let asOf { query.append(("asOf", asOf)) }
        let path = "/tasks/\(operation.name)"
        let report = try object(try await session.call(.PATCH, path, query: query), doing: "PATCH /api\(path)")
        let counts = report["summary"] as? [String: Any] ?? [:]
        let status = RunSummary.status(of: counts)
        return StepOutcome(
            name: operation.name, status: status, document: report,
            summary: RunSummary.line(operation: operation.name, report: report),
            details: RunSummary.itemLines(report, onlyProblems: !verbose),
            runID: report["runId"] as? String, counts: counts
        )
    }

    private func listRuns(operation: RunOperation?, limit: Int?) async throws -> StepOutcome {
        var query: [(String, String)] = []
        if let operation { query.append(("operation", operation.name)) }
        if let limit { query.append(("limit", String(limit))) }
        let page = try object(try await session.call(.GET, "/runs", query: query), doing: "GET /api/runs")
        let runs = page["runs"] as? [[String: Any]] ?? []
        let listing = runs.map { run in
            "\(run["runId"] as? String ?? "?")  \(run["startedAt"] as? String ?? "?")  " + RunSummary.line(operation: run["operation"] as? String ?? "?", report: run.filter { $0.key != "runId" })
        }
        return StepOutcome(name: "runs", status: .ok, document: page, listing: listing, summary: "runs: \(runs.count) shown\(page["next"] is String ? " (more with --limit)" : "")")
    }

    private func showRun(_ id: String) async throws -> StepOutcome {
        let path = "/runs/\(ServerConnection.pathSegment(id))"
        let report = try object(try await session.call(.GET, path), doing: "GET /api\(path)")
        let operation = report["operation"] as? String ?? "?"
        let listing = [RunSummary.line(operation: operation, report: report)] + RunSummary.itemLines(report)
        return StepOutcome(name: "runs", status: .ok, document: report, listing: listing, summary: "runs: \(id) (\(operation))", runID: id)
    }

    private func redrive(_ operation: RunOperation, subTask: String) async throws -> StepOutcome {
        let answer = try await session.call(.POST, "/runs/redrive", json: ["operation": operation.name, "subtask": subTask])
        let redriven = try object(answer, doing: "POST /api/runs/redrive")
        let previous = redriven["previousStatus"] as? String ?? "?"
        return StepOutcome(
            name: "redrive", status: .ok, document: redriven, listing: ["\(subTask): was \(previous)"],
            summary: "redrive: \(operation.name) \(subTask) scheduled again (was: \(previous))", runID: nil
        )
    }

    /// `ITEM` is the number `runs show` printed, or the sub-task's DN when it has one unknown item.
    private func settle(runID: String, item: String, as resolution: Step.Resolution) async throws -> StepOutcome {
        let path = "/runs/\(ServerConnection.pathSegment(runID))"
        let report = try object(try await session.call(.GET, path), doing: "GET /api\(path)")
        let items = report["items"] as? [[String: Any]] ?? []
        let chosen: [String: Any]
        if let number = Int(item) {
            guard number >= 1, number <= items.count else {
                throw ClientFailure.usage("settle: run \(runID) has \(items.count) items; ITEM \(number) is not one of them")
            }
            chosen = items[number - 1]
        } else {
            let matching = items.filter { ($0["subtask"] as? String)?.lowercased() == item.lowercased() && $0["outcome"] as? String == "unknown" }
            guard matching.count == 1 else {
                throw ClientFailure.usage("settle: \(matching.isEmpty ? "no" : "\(matching.count)") unknown items of sub-task \(item) in run \(runID); give the item's number from `runs show \(runID)`")
            }
            chosen = matching[0]
        }
        guard let operation = report["operation"] as? String, let subtask = chosen["subtask"] as? String, let target = chosen["target"] as? String else {
            throw ClientFailure.usage("settle: that item names no target; only an item with an unknown outcome can be settled")
        }
        let answer = try await session.call(.POST, "/runs/resolve", json: [
            "operation": operation, "subtask": subtask, "target": target, "resolution": resolution.rawValue,
        ])
        let settled = try object(answer, doing: "POST /api/runs/resolve")
        return StepOutcome(
            name: "settle", status: .ok, document: settled,
            listing: ["\(subtask) → \(target): \(settled["state"] as? String ?? "?")"],
            summary: "settle: \(operation) \(subtask) → \(target) settled as \(resolution.rawValue)", runID: runID
        )
    }
}
