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
        public let pacer: MailPacer

        public init(
            templates: any MailTemplates, transport: any MailTransport, stamp: any MailSendStamp, crypto: any TokenCrypto, clock: any WallClock,
            pacer: MailPacer = MailPacer()
        ) {
            self.pacer = pacer
            self.templates = templates
            self.transport = transport
            self.stamp = stamp
            self.crypto = crypto
            self.clock = clock
        }
    }

    private let deps: Dependencies
    private let delivery: MailDelivery
    public let kind = TaskKind.mail
    /// A message cannot be taken back: a crash mid-send is reported, never resent on its own.
    public let replay = ReplayPolicy.reportUnknown

    public init(_ dependencies: Dependencies) {
        deps = dependencies
        delivery = MailDelivery(
            transport: dependencies.transport, stamp: dependencies.stamp, crypto: dependencies.crypto, clock: dependencies.clock, pacer: dependencies.pacer
        )
    }

    public func plan(_ context: RunContext, due: [SubTask]) async throws -> RunPlan<Plan> {
        let templates = try await deps.templates.templates(named: due.compactMap(\.refs.first), configuration: context.configuration)
        return delivery.plan(Plan(configuration: context.configuration, templates: templates), context: context)
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
            messageID: delivery.messageID(for: identity), date: deps.clock.now()
        )
        return await delivery.send(mail)
    }

    public func finish(_ summary: RunReport.Summary, in plan: Plan, context: RunContext) async throws {
        try await delivery.finish(summary, configuration: plan.configuration)
    }
}
