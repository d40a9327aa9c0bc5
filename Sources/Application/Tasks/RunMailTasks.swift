import Domain
import Foundation

/// `PATCH /api/tasks/mail`: sends every due `Mail Object` sub-task, exactly once.
///
/// Each (sub-task, recipient) is a delivery in the journal: claimed under a lease, marked
/// `sending` before SMTP, `sent` after the server's 250, `done` after the LDAP status write. So two
/// concurrent runs never send the same key, a crash before DATA is retried once the lease expires,
/// a crash during DATA is reported `unknown` instead of risking a double mail, and a crash after
/// the 250 only needs the LDAP status written (PHP bugs §10 #16–21 fixed).
public struct RunMailTasks: Sendable {
    public struct Dependencies: Sendable {
        public let directory: any TaskDirectory
        public let templates: any MailTemplates
        public let updates: any TaskUpdates
        public let journal: any DeliveryJournal
        public let transport: any MailTransport
        public let crypto: any TokenCrypto
        public let clock: any WallClock
        /// How long a run may hold its claims before another run may take them over.
        public let lease: TimeInterval

        public init(
            directory: any TaskDirectory, templates: any MailTemplates, updates: any TaskUpdates, journal: any DeliveryJournal,
            transport: any MailTransport, crypto: any TokenCrypto, clock: any WallClock, lease: TimeInterval = 600
        ) {
            self.directory = directory
            self.templates = templates
            self.updates = updates
            self.journal = journal
            self.transport = transport
            self.crypto = crypto
            self.clock = clock
            self.lease = lease
        }
    }

    private let deps: Dependencies

    public init(_ dependencies: Dependencies) {
        deps = dependencies
    }

    public func callAsFunction() async throws(ServiceError) -> RunReport {
        let runID = deps.crypto.newIdentifier()
        let startedAt = deps.clock.now()
        var run = MailRun(runID: runID, deps: deps, startedAt: startedAt)
        do {
            try await run.execute()
        } catch let error as ServiceError {
            throw error
        } catch let error as DirectoryError {
            throw error.serviceError
        } catch let error as any CodedError {
            throw ServiceError(.unavailable, code: error.code, message: error.message)
        } catch {
            throw ServiceError(.internalFailure, code: "internal", message: "the mail run failed")
        }
        return RunReport(
            runID: runID, kind: TaskKind.mail.rawValue, startedAt: startedAt, endedAt: deps.clock.now(),
            summary: run.summary, skippedReason: run.skippedReason, items: run.items
        )
    }
}

/// The state of one mail run.
private struct MailRun {
    let runID: String
    let deps: RunMailTasks.Dependencies
    let startedAt: Date
    var items: [RunReport.Item] = []
    var summary = RunReport.Summary()
    var skippedReason: String?

    init(runID: String, deps: RunMailTasks.Dependencies, startedAt: Date) {
        self.runID = runID
        self.deps = deps
        self.startedAt = startedAt
    }

    mutating func execute() async throws {
        // Read fresh, not cached: the anti-spam interval depends on the last send of any replica.
        let configuration = try await deps.directory.configuration()
        let zone = (try? configuration.timeZone.get().zone) ?? DirectoryTimeZone.utc
        let due = try await deps.directory.subTasks(kind: .mail).filter { $0.isDue(at: startedAt, in: zone) }
            .sorted { $0.dn < $1.dn }
        summary.due = due.count

        if let until = configuration.tasks.intervalBlocks(now: startedAt) {
            skippedReason = "anti-spam interval: the last mail was sent less than \(configuration.tasks.intervalMinutes) minutes ago; next run allowed after \(ISO8601DateFormatter().string(from: until))"
            for subTask in due { skip(subTask.dn, nil, "anti-spam interval") }
            return
        }

        var recipientsBySubTask: [String: [String]] = [:]
        for subTask in due {
            var seen = Set<String>()
            let recipients = subTask.recipients.filter { seen.insert($0.lowercased()).inserted }
            if recipients.isEmpty {
                try await finish(subTask.dn, status: .failure("no recipient: fdTasksGranularMail is empty"), keys: [])
                note(subTask.dn, nil, .failed, "no recipient")
            } else {
                recipientsBySubTask[subTask.dn] = recipients
            }
        }
        let subTasks = due.filter { recipientsBySubTask[$0.dn] != nil }
        let keys = subTasks.flatMap { subTask in recipientsBySubTask[subTask.dn, default: []].map { DeliveryKey(subTaskDN: subTask.dn, recipient: $0) } }

        // What earlier runs left: report it, and never claim it again.
        var earlier = Dictionary(try await deps.journal.records(forSubTasks: subTasks.map(\.dn)).map { ($0.key, $0) }) { first, _ in first }
        // `done` means this service wrote the sub-task's final status; seeing it scheduled again means
        // FusionDirectory renewed it ("Renew the selected task"): those deliveries start over.
        let renewed = earlier.values.filter { $0.state == .done }
        if !renewed.isEmpty {
            for key in try await deps.journal.reopen(renewed, now: startedAt) { earlier[key] = nil }
        }
        var claimable: [DeliveryKey] = []
        for key in keys {
            guard let record = earlier[key] else { claimable.append(key); continue }
            switch record.state {
            case .sending: note(key.subTaskDN, key.recipient, .unknown, "a previous run stopped while sending; not resent automatically")
            case .sent, .done: note(key.subTaskDN, key.recipient, .alreadySent, nil)
            case .failed: note(key.subTaskDN, key.recipient, .failed, record.detail)
            case .claimed:
                if record.owner == nil || (record.leaseExpiresAt ?? .distantPast) <= startedAt {
                    claimable.append(key)
                } else {
                    note(key.subTaskDN, key.recipient, .skipped, "another run holds it")
                }
            }
        }

        var budget = configuration.tasks.mailBudget()
        // Claim no more than the anti-spam budget allows: messages actually sent count against it.
        let limit = budget.remaining.map { min($0, claimable.count) } ?? claimable.count
        let claimed = limit > 0
            ? try await deps.journal.claim(claimable, owner: runID, leaseUntil: startedAt.addingTimeInterval(deps.lease), limit: limit, now: startedAt)
            : []
        let claimedSet = Set(claimed)
        for key in claimable where !claimedSet.contains(key) {
            note(key.subTaskDN, key.recipient, .skipped, limit == 0 || claimed.count >= limit ? "anti-spam limit of \(configuration.tasks.maxEmails) messages per run" : "another run holds it")
        }

        var templates: [String: MailTemplate?] = [:]
        let bySubTask = Dictionary(grouping: claimed, by: \.subTaskDN)
        for subTask in subTasks {
            guard let mine = bySubTask[subTask.dn] else { continue }
            let templateName = subTask.refs.first ?? ""
            if templates[templateName] == nil {
                templates[templateName] = templateName.isEmpty ? .some(nil) : .some(try await deps.templates.template(named: templateName, configuration: configuration))
            }
            guard let template = templates[templateName] ?? nil else {
                for key in mine {
                    try await deps.journal.markFailed(key, owner: runID, detail: "mail template \"\(templateName)\" not found", now: deps.clock.now())
                    note(key.subTaskDN, key.recipient, .failed, "mail template \"\(templateName)\" not found")
                }
                continue
            }
            guard let sender = subTask.mailFrom, !sender.isEmpty else {
                for key in mine {
                    try await deps.journal.markFailed(key, owner: runID, detail: "no sender: fdTasksGranularMailFrom is empty", now: deps.clock.now())
                    note(key.subTaskDN, key.recipient, .failed, "no sender")
                }
                continue
            }
            for key in mine {
                try await deliver(key, subTask: subTask, template: template, sender: sender, budget: &budget)
            }
        }

        try await finishSubTasks(subTasks, recipients: recipientsBySubTask)
        if summary.sent > 0 {
            try await deps.updates.recordMailSent(at: deps.clock.now(), configuration: configuration)
        }
    }

    private mutating func deliver(_ key: DeliveryKey, subTask: SubTask, template: MailTemplate, sender: String, budget: inout MailBudget) async throws {
        guard try await deps.journal.markSending(key, owner: runID, now: deps.clock.now()) else {
            note(key.subTaskDN, key.recipient, .skipped, "the lease ran out before sending; a later run will send it")
            return
        }
        let mail = OutgoingMail(
            from: sender, recipient: key.recipient, bcc: subTask.bcc, subject: template.subject, body: template.text,
            readReceiptTo: template.readReceipt ? sender : nil,
            attachments: template.attachments.map { .init(fileName: $0.fileName, contentType: $0.contentType, content: $0.content) },
            messageID: "\(deps.crypto.storageHash(of: key.subTaskDN + "\n" + key.recipient).prefix(40))@fusiondirectory-orchestrator",
            date: deps.clock.now()
        )
        do {
            try await deps.transport.send(mail)
            try await deps.journal.markSent(key, owner: runID, now: deps.clock.now())
            budget.recordSent(1)
            note(key.subTaskDN, key.recipient, .sent, nil)
        } catch let error as MailError where error.isTransient {
            try await deps.journal.release(key, owner: runID, detail: error.summary, now: deps.clock.now())
            note(key.subTaskDN, key.recipient, .deferred, error.summary)
        } catch let error as MailError {
            try await deps.journal.markFailed(key, owner: runID, detail: error.summary, now: deps.clock.now())
            note(key.subTaskDN, key.recipient, .failed, error.summary)
        }
    }

    /// A sub-task is finished when every recipient is sent (status `2`) or some recipient failed
    /// for good and none is pending (status = the failure); otherwise it stays scheduled.
    private mutating func finishSubTasks(_ subTasks: [SubTask], recipients: [String: [String]]) async throws {
        let records = Dictionary(try await deps.journal.records(forSubTasks: subTasks.map(\.dn)).map { ($0.key, $0) }) { first, _ in first }
        for subTask in subTasks {
            let keys = recipients[subTask.dn, default: []].map { DeliveryKey(subTaskDN: subTask.dn, recipient: $0) }
            let states = keys.map { records[$0]?.state }
            guard !keys.isEmpty, states.allSatisfy({ $0 == .sent || $0 == .done || $0 == .failed }) else { continue }
            if let failure = keys.compactMap({ records[$0] }).first(where: { $0.state == .failed }) {
                try await finish(subTask.dn, status: .failure(failure.detail ?? "delivery failed"), keys: keys)
            } else {
                try await finish(subTask.dn, status: .completed, keys: keys)
            }
        }
    }

    private func finish(_ dn: String, status: SubTaskStatus, keys: [DeliveryKey]) async throws {
        do {
            try await deps.updates.setStatus(status, ofSubTask: dn)
        } catch let error as DirectoryError where !error.isConnectivity {
            // The sub-task was deleted or changed under us: nothing to write, the journal keeps the facts.
            return
        }
        if !keys.isEmpty { try await deps.journal.markDone(keys, now: deps.clock.now()) }
    }

    private mutating func skip(_ dn: String, _ recipient: String?, _ why: String) {
        note(dn, recipient, .skipped, why)
    }

    private mutating func note(_ dn: String, _ recipient: String?, _ outcome: RunReport.Outcome, _ detail: String?) {
        items.append(.init(subTask: dn, recipient: recipient, outcome: outcome, detail: detail))
        switch outcome {
        case .sent: summary.sent += 1
        case .failed: summary.failed += 1
        case .deferred: summary.deferred += 1
        case .skipped: summary.skipped += 1
        case .unknown: summary.unknown += 1
        case .alreadySent: break
        }
    }
}
