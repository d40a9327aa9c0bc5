import Domain
import Foundation

/// `PATCH /api/tasks/notifications`: tells a main task's recipients which monitored users'
/// audited attributes changed (spec §8.3, bug §10 #37 fixed).
///
/// Each due sub-task names a user and the audit events FD found for them (`fdTasksGranularRef`).
/// Its targets are the main task's recipients; every sub-task of one main task shares one digest
/// per recipient (`unit`), so a recipient gets one message listing each changed user once, and
/// every sub-task in it gets `2` once every recipient accepted it. No matching change → the
/// sub-task is removed, as FD expects.
public struct NotificationsRun: KindRun {
    public struct Plan: Sendable {
        let configuration: FDConfiguration
        let mainTasks: MainTaskIndex
        let templates: [String: MailTemplate]
        /// Per due sub-task: its digest line, or why it needs nothing.
        let lines: [String: Result<NotificationLine, WorkRefusal>]
    }

    public struct Dependencies: Sendable {
        public let directory: any TaskDirectory
        public let templates: any MailTemplates
        public let events: any AuditEventLookup
        public let delivery: MailDelivery

        public init(directory: any TaskDirectory, templates: any MailTemplates, events: any AuditEventLookup, delivery: MailDelivery) {
            self.directory = directory
            self.templates = templates
            self.events = events
            self.delivery = delivery
        }
    }

    private let deps: Dependencies
    public let kind = TaskKind.notifications
    /// A message cannot be taken back.
    public let replay = ReplayPolicy.reportUnknown

    public init(_ dependencies: Dependencies) {
        deps = dependencies
    }

    public func plan(_ context: RunContext, due: [SubTask]) async throws -> RunPlan<Plan> {
        let mainTasks = try await MainTaskIndex.read(.notifications, from: deps.directory, needed: !due.isEmpty)
        var templates: [String: MailTemplate] = [:]
        var lines: [String: Result<NotificationLine, WorkRefusal>] = [:]
        if !due.isEmpty {
            let names = mainTasks.all.compactMap { task -> String? in
                guard case .notifications(let settings) = task.settings else { return nil }
                return settings.templateCN
            }
            templates = try await deps.templates.templates(named: names, configuration: context.configuration)
            let events = try await deps.events.events(at: Array(Set(due.flatMap(\.refs))))
            for subTask in due {
                guard let main = mainTasks.master(of: subTask), case .notifications(let settings) = main.settings else { continue }
                lines[subTask.dn] = Self.line(for: subTask, settings: settings, events: events)
            }
        }
        return deps.delivery.plan(Plan(configuration: context.configuration, mainTasks: mainTasks, templates: templates, lines: lines), context: context)
    }

    /// The user's line, or why the sub-task needs nothing (missing events are named).
    static func line(for subTask: SubTask, settings: NotificationsSettings, events: [String: AuditEvent]) -> Result<NotificationLine, WorkRefusal> {
        let found = subTask.refs.compactMap { events[$0] }
        let missing = subTask.refs.filter { events[$0] == nil }
        let unreadable = found.filter { !$0.problems.isEmpty }.map(\.dn)
        let attributes = NotificationMatch.changedAttributes(settings: settings, events: found)
        guard !attributes.isEmpty, let user = subTask.targetDN, !user.isEmpty else {
            var reason = subTask.refs.isEmpty ? "no audit event: fdTasksGranularRef is empty" : "no matching audited attributes with monitored attributes"
            if !missing.isEmpty { reason += "; audit events not found: \(missing.joined(separator: "; "))" }
            if !unreadable.isEmpty { reason += "; unreadable audit events: \(unreadable.joined(separator: "; "))" }
            if !attributes.isEmpty { reason = "no user: fdTasksGranularDN is empty" }
            return .failure(.notNeeded(reason))
        }
        return .success(NotificationLine(userDN: user, attributes: attributes))
    }

    public func targets(of subTask: SubTask, in plan: Plan) -> Result<[String], WorkRefusal> {
        guard let main = plan.mainTasks.master(of: subTask), case .notifications(let settings) = main.settings else {
            return .failure(WorkRefusal("main task \(subTask.master ?? "(none)") not found"))
        }
        guard let name = settings.templateCN, plan.templates[name] != nil else {
            return .failure(WorkRefusal("mail template \"\(settings.templateCN ?? "")\" not found"))
        }
        guard let sender = settings.senders.first, !sender.isEmpty else {
            return .failure(WorkRefusal("no sender: fdTasksNotificationsEmailSender is empty", summary: "no sender"))
        }
        var seen = Set<String>()
        let recipients = settings.recipientMails.filter { !$0.isEmpty && seen.insert($0.lowercased()).inserted }
        guard !recipients.isEmpty else {
            return .failure(WorkRefusal("no recipient: fdTasksNotificationsListOfRecipientsMails is empty", summary: "no recipient"))
        }
        switch plan.lines[subTask.dn] {
        case .failure(let refusal): return .failure(refusal)
        case .success: return .success(recipients)
        case nil: return .failure(WorkRefusal("main task \(subTask.master ?? "(none)") not found"))
        }
    }

    /// One digest per main task and recipient.
    public func unit(of key: WorkKey, subTask: SubTask, in plan: Plan) -> String? {
        "\(subTask.master?.lowercased() ?? "")\n\(key.target.lowercased())"
    }

    public func apply(_ item: WorkItem, in plan: Plan) async -> WorkOutcome {
        await apply(together: [item], in: plan)
    }

    public func apply(together items: [WorkItem], in plan: Plan) async -> WorkOutcome {
        guard let mail = message(for: items, in: plan) else { return .failed("the main task or its mail template is missing") }
        return await deps.delivery.send(mail)
    }

    public func preview(_ item: WorkItem, in plan: Plan) async -> (RunReport.Outcome, String?) {
        await preview(together: [item], in: plan)
    }

    public func preview(together items: [WorkItem], in plan: Plan) async -> (RunReport.Outcome, String?) {
        guard let mail = message(for: items, in: plan) else { return (.wouldFail, "the main task or its mail template is missing") }
        return (.wouldApply, "digest \"\(mail.subject)\" to \(mail.recipient) listing \(items.count) user(s), no link")
    }

    func message(for items: [WorkItem], in plan: Plan) -> OutgoingMail? {
        guard let first = items.first, let main = plan.mainTasks.master(of: first.subTask),
              case .notifications(let settings) = main.settings, let name = settings.templateCN,
              let template = plan.templates[name], let sender = settings.senders.first else { return nil }
        let sorted = items.sorted { $0.subTask.dn < $1.subTask.dn }
        let lines = sorted.compactMap { try? plan.lines[$0.subTask.dn]?.get() }
        let identity = ["notifications", first.key.target.lowercased()] + sorted.map { "\($0.subTask.dn)#\($0.generation)" }
        return OutgoingMail(
            from: sender, recipient: first.key.target, subject: template.subject,
            body: NotificationDigest.body(template: template, lines: lines),
            messageID: deps.delivery.messageID(for: identity.joined(separator: "\n")), date: deps.delivery.clock.now()
        )
    }

    public func finish(_ summary: RunReport.Summary, in plan: Plan, context: RunContext) async throws {
        try await deps.delivery.finish(summary, configuration: plan.configuration)
    }
}
