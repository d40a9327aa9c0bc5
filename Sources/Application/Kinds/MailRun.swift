import Domain
import Foundation

/// `PATCH /api/tasks/mail`: one message per recipient of each due `Mail Object` sub-task, from
/// the template its `fdTasksGranularRef` names, within FD's anti-spam limits (spec §7, §8.1).
public struct MailRun: KindRun {
    public struct Plan: Sendable {
        let configuration: FDConfiguration
        let templates: [String: MailTemplate]
    }

    public struct Dependencies: Sendable {
        public let templates: any MailTemplates
        public let transport: any MailTransport
        public let stamp: any MailSendStamp
        public let crypto: any TokenCrypto
        public let clock: any WallClock

        public init(templates: any MailTemplates, transport: any MailTransport, stamp: any MailSendStamp, crypto: any TokenCrypto, clock: any WallClock) {
            self.templates = templates
            self.transport = transport
            self.stamp = stamp
            self.crypto = crypto
            self.clock = clock
        }
    }

    private let deps: Dependencies
    public let kind = TaskKind.mail
    /// A message cannot be taken back: a crash mid-send is reported, never resent on its own.
    public let replay = ReplayPolicy.reportUnknown

    public init(_ dependencies: Dependencies) {
        deps = dependencies
    }

    public func plan(_ context: RunContext, due: [SubTask]) async throws -> RunPlan<Plan> {
        let tasks = context.configuration.tasks
        var templates: [String: MailTemplate] = [:]
        for name in Set(due.compactMap(\.refs.first)) where !name.isEmpty {
            templates[name] = try await deps.templates.template(named: name, configuration: context.configuration)
        }
        let plan = Plan(configuration: context.configuration, templates: templates)
        let skip = tasks.intervalBlocks(now: context.asOf).map { until in
            "anti-spam interval: the last mail was sent less than \(tasks.intervalMinutes) minutes ago; next run allowed after \(ISO8601DateFormatter().string(from: until))"
        }
        // Messages actually sent count against the budget (PHP counted sub-tasks, bug §10 #20).
        return RunPlan(plan, limit: tasks.mailBudget().remaining, limitReason: "anti-spam limit of \(tasks.maxEmails) messages per run", skipReason: skip)
    }

    public func targets(of subTask: SubTask, in plan: Plan) -> Result<[String], WorkRefusal> {
        var seen = Set<String>()
        let recipients = subTask.recipients.filter { seen.insert($0.lowercased()).inserted }
        guard !recipients.isEmpty else { return .failure(WorkRefusal("no recipient: fdTasksGranularMail is empty", summary: "no recipient")) }
        let name = subTask.refs.first ?? ""
        guard plan.templates[name] != nil else { return .failure(WorkRefusal("mail template \"\(name)\" not found")) }
        guard let sender = subTask.mailFrom, !sender.isEmpty else {
            return .failure(WorkRefusal("no sender: fdTasksGranularMailFrom is empty", summary: "no sender"))
        }
        return .success(recipients)
    }

    public func apply(_ item: WorkItem, in plan: Plan) async -> WorkOutcome {
        guard let template = plan.templates[item.subTask.refs.first ?? ""], let sender = item.subTask.mailFrom else {
            return .failed("mail template or sender missing")
        }
        // Stable per (sub-task, recipient, renewal): a receiver can spot a duplicate attempt.
        let identity = item.key.subTaskDN + "\n" + item.key.target + (item.generation > 0 ? "\n\(item.generation)" : "")
        let mail = OutgoingMail(
            from: sender, recipient: item.key.target, bcc: item.subTask.bcc, subject: template.subject, body: template.text,
            readReceiptTo: template.readReceipt ? sender : nil,
            attachments: template.attachments.map { .init(fileName: $0.fileName, contentType: $0.contentType, content: $0.content) },
            messageID: "\(deps.crypto.storageHash(of: identity).prefix(40))@fusiondirectory-orchestrator",
            date: deps.clock.now()
        )
        do {
            try await deps.transport.send(mail)
            return .applied
        } catch {
            if error.mayHaveBeenDelivered { return .unknown(error.summary) }
            return error.isTransient ? .deferred(error.summary) : .failed(error.summary)
        }
    }

    public func finish(_ summary: RunReport.Summary, in plan: Plan, context: RunContext) async throws {
        if summary.applied > 0 {
            try await deps.stamp.recordMailSent(at: deps.clock.now(), configuration: plan.configuration)
        }
    }
}
