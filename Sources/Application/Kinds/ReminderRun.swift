import Domain
import Foundation

/// `PATCH /api/tasks/reminder`: warns users whose account is about to expire, with a prolongation
/// link FusionDirectory accepts (spec §8.4, §3.7; bugs §10 #12, #19, #22–26 fixed).
///
/// - The link goes to the user alone: the "forward to" recipients get the same reminder without
///   it, saying whose account expires and when.
/// - One reminder per user, task and window: when both calls of one user are due in one run they
///   form one unit per recipient, so one message goes out (the nearer window) and both settle.
/// - A valid token already mailed to the user is reused (its lifetime extended), never
///   regenerated, so earlier links keep working. It is written before the message that carries it.
/// - Bad data (no mail, no end date, no uid, …) fails that sub-task alone; only the sub-tasks
///   actually sent get `2`.
public struct ReminderRun: KindRun {
    public struct Plan: Sendable {
        let configuration: FDConfiguration
        let mainTasks: MainTaskIndex
        let templates: [String: MailTemplate]
        /// By user DN as written in the sub-task.
        let accounts: [String: ReminderAccount]
        let decisions: [String: ReminderDecision]
    }

    public struct Dependencies: Sendable {
        public let directory: any TaskDirectory
        public let templates: any MailTemplates
        public let accounts: any UserAccounts
        public let tokens: any ProlongationTokens
        public let signer: any ReminderTokenSigner
        public let delivery: MailDelivery
        /// Where links point and how their tokens are kept.
        public let links: ProlongationLinks

        public init(
            directory: any TaskDirectory, templates: any MailTemplates, accounts: any UserAccounts, tokens: any ProlongationTokens,
            signer: any ReminderTokenSigner, delivery: MailDelivery, links: ProlongationLinks
        ) {
            self.directory = directory
            self.templates = templates
            self.accounts = accounts
            self.tokens = tokens
            self.signer = signer
            self.delivery = delivery
            self.links = links
        }
    }

    /// PROLONGATION_MODE.
    public enum ProlongationLinks: Sendable {
        /// FusionDirectory's `accountProlongation.php` on this base (PROLONGATION_URL, else
        /// FUSION_DIRECTORY_API_URL); its token entry in LDAP (spec §3.7). Nil → links fail.
        case fusionDirectory(baseURL: String?)
        /// This service's own page at `<baseURL>/api/prolongation`; grants in the state store,
        /// the token only as a hash.
        case orchestrator(baseURL: String, grants: any ProlongationGrants)

        var isConfigured: Bool {
            if case .fusionDirectory(nil) = self { return false }
            return true
        }
    }

    private let deps: Dependencies
    public let kind = TaskKind.reminder
    /// A message cannot be taken back.
    public let replay = ReplayPolicy.reportUnknown

    public init(_ dependencies: Dependencies) {
        deps = dependencies
    }

    public func plan(_ context: RunContext, due: [SubTask]) async throws -> RunPlan<Plan> {
        let mainTasks = try await MainTaskIndex.read(.reminder, from: deps.directory, needed: !due.isEmpty)
        var accounts: [String: ReminderAccount] = [:]
        var decisions: [String: ReminderDecision] = [:]
        let names = mainTasks.all.compactMap { task -> String? in
            guard case .reminder(let settings) = task.settings else { return nil }
            return settings.templateCN
        }
        let templates = try await deps.templates.templates(named: names, configuration: context.configuration)
        var read = Set<String>()
        for subTask in due {
            guard let user = subTask.targetDN, !user.isEmpty, read.insert(user).inserted else { continue }
            accounts[user] = try await deps.accounts.reminderAccount(at: user)
        }
        for subTask in due {
            guard let main = mainTasks.master(of: subTask), case .reminder(let settings) = main.settings else { continue }
            decisions[subTask.dn] = ReminderDecision.decide(
                settings: settings, callDays: subTask.helperDays, account: subTask.targetDN.flatMap { accounts[$0] },
                now: context.asOf, in: context.zone
            )
        }
        return deps.delivery.plan(Plan(configuration: context.configuration, mainTasks: mainTasks, templates: templates, accounts: accounts, decisions: decisions), context: context)
    }

    public func targets(of subTask: SubTask, in plan: Plan) -> Result<[String], WorkRefusal> {
        guard let main = plan.mainTasks.master(of: subTask), case .reminder(let settings) = main.settings else {
            return .failure(WorkRefusal("main task \(subTask.master ?? "(none)") not found"))
        }
        guard let user = subTask.targetDN, !user.isEmpty else { return .failure(WorkRefusal("no user: fdTasksGranularDN is empty", summary: "no user")) }
        guard let name = settings.templateCN, plan.templates[name] != nil else {
            return .failure(WorkRefusal("mail template \"\(settings.templateCN ?? "")\" not found"))
        }
        guard let sender = settings.senders.first, !sender.isEmpty else {
            return .failure(WorkRefusal("no sender: fdTasksReminderEmailSender is empty", summary: "no sender"))
        }
        switch plan.decisions[subTask.dn] {
        case nil: return .failure(WorkRefusal("main task \(subTask.master ?? "(none)") not found"))
        case .remove(let why): return .failure(.notNeeded(why))
        case .fail(let why): return .failure(WorkRefusal(why))
        case .remind(let reminder):
            if reminder.carriesLink, !deps.links.isConfigured {
                return .failure(WorkRefusal("FUSION_DIRECTORY_API_URL is not set: the prolongation link cannot be built"))
            }
            guard let mail = plan.accounts[user]?.mail else { return .failure(WorkRefusal("no mail on the user")) }
            var seen: Set<String> = [mail.lowercased()]
            return .success([mail] + settings.recipientMails.filter { !$0.isEmpty && seen.insert($0.lowercased()).inserted })
        }
    }

    /// Both calls of one user in one run, to one recipient: one message.
    public func unit(of key: WorkKey, subTask: SubTask, in plan: Plan) -> String? {
        "\(subTask.master?.lowercased() ?? "")\n\(subTask.targetDN?.lowercased() ?? "")\n\(key.target.lowercased())"
    }

    /// What one unit sends: the nearer window's reminder, to the user (with the link) or to a
    /// "forward to" recipient (without it).
    struct Delivery {
        let mail: OutgoingMail
        let reminder: Reminder
        let account: ReminderAccount
        let taskName: String
        let userCopy: Bool
        var carriesLink: Bool { userCopy && reminder.carriesLink }
    }

    func delivery(for items: [WorkItem], in plan: Plan) -> Delivery? {
        let chosen = items.compactMap { item -> (WorkItem, Reminder)? in
            guard case .remind(let reminder)? = plan.decisions[item.subTask.dn] else { return nil }
            return (item, reminder)
        }.min { $0.1.callDays < $1.1.callDays }
        guard let (item, reminder) = chosen, let main = plan.mainTasks.master(of: item.subTask), case .reminder(let settings) = main.settings,
              let name = settings.templateCN, let template = plan.templates[name], let sender = settings.senders.first,
              let user = item.subTask.targetDN, let account = plan.accounts[user] else { return nil }
        let userCopy = item.key.target.lowercased() == account.mail?.lowercased()
        var body = template.body
        if !userCopy {
            body += "\n\nThis reminder is about \(account.dn), whose account expires on \(reminder.expiry)."
            if reminder.carriesLink { body += " The prolongation link was sent to the account holder only." }
        }
        let identity = ["reminder", item.key.target.lowercased(), user.lowercased(), main.dn.lowercased()]
            + items.map { "\($0.subTask.dn)#\($0.generation)" }.sorted()
        let mail = OutgoingMail(
            from: sender, recipient: item.key.target, subject: template.subject, body: body,
            messageID: deps.delivery.messageID(for: identity.joined(separator: "\n")), date: deps.delivery.clock.now()
        )
        return Delivery(mail: mail, reminder: reminder, account: account, taskName: main.cn ?? "", userCopy: userCopy)
    }

    public func apply(_ item: WorkItem, in plan: Plan) async -> WorkOutcome {
        await apply(together: [item], in: plan)
    }

    public func apply(together items: [WorkItem], in plan: Plan) async -> WorkOutcome {
        guard let delivery = delivery(for: items, in: plan) else { return .failed("the main task, its template or the user is missing") }
        var mail = delivery.mail
        if delivery.carriesLink {
            switch await link(for: delivery, items: items) {
            case .success(let link): mail.body += link
            case .failure(let refused): return refused.value
            }
        }
        if let signature = signature(of: items, in: plan) { mail.body += "\n\n" + signature }
        return await deps.delivery.send(mail)
    }

    func signature(of items: [WorkItem], in plan: Plan) -> String? {
        guard let item = items.first, let main = plan.mainTasks.master(of: item.subTask), case .reminder(let settings) = main.settings,
              let name = settings.templateCN else { return nil }
        return plan.templates[name]?.signature
    }

    struct Refused: Error { let value: WorkOutcome }

    /// The link of the user's copy, its token written first.
    func link(for delivery: Delivery, items: [WorkItem]) async -> Result<String, Refused> {
        switch deps.links {
        case .fusionDirectory(let base):
            return await prolongationToken(for: delivery).map { ProlongationToken.link(fusionDirectoryURL: base ?? "", token: $0, task: delivery.taskName) }
        case .orchestrator(let base, let grants):
            guard let days = delivery.reminder.tokenDays, let master = items.first?.subTask.master else { return .failure(Refused(value: .failed("no token lifetime"))) }
            // Derived, not random: the same user, task, window and expiry give the same link, so a
            // retry or a resend reuses it; only its hash is stored.
            let seed = ["orchestrator-prolongation", delivery.account.dn.lowercased(), master.lowercased(), String(delivery.reminder.callDays), delivery.reminder.expiry.fdDate]
            let token = ProlongationToken.base64URL(deps.signer.signatureBase64(of: seed.joined(separator: "\n")))
            let grant = ProlongationGrant(
                tokenHash: deps.delivery.crypto.storageHash(of: token), userDN: delivery.account.dn, taskDN: master,
                callDays: delivery.reminder.callDays, expiresAt: deps.delivery.clock.now().addingTimeInterval(TimeInterval(days) * 86_400)
            )
            do {
                try await grants.issue(grant)
            } catch {
                return .failure(Refused(value: .deferred("the prolongation link could not be stored: \(error)")))
            }
            var trimmed = base
            while trimmed.hasSuffix("/") { trimmed.removeLast() }
            return .success("\(trimmed)/api/prolongation?token=\(token)")
        }
    }

    /// The user's valid token, reused (and its lifetime extended to this call's), or a new one
    /// written before the message that carries it goes out.
    func prolongationToken(for delivery: Delivery) async -> Result<String, Refused> {
        guard let uid = delivery.account.uid, let days = delivery.reminder.tokenDays else { return .failure(Refused(value: .failed("no uid for the token"))) }
        let now = deps.delivery.clock.now()
        let expiresAt = now.addingTimeInterval(TimeInterval(days) * 86_400)
        do {
            let existing = try await deps.tokens.token(forUID: uid)
            if let existing, existing.isValid(for: delivery.account.dn, at: now) {
                if existing.expiresAt < expiresAt {
                    try await deps.tokens.store(StoredProlongationToken(uid: uid, userDN: existing.userDN, token: existing.token, expiresAt: expiresAt))
                }
                return .success(existing.token)
            }
            if let existing, existing.expiresAt > now, existing.userDN.lowercased() != delivery.account.dn.lowercased() {
                return .failure(Refused(value: .failed("the valid prolongation token of \(existing.userDN) is stored under the same uid \(uid); it was not overwritten")))
            }
            let message = ProlongationToken.message(unixTime: Int(now.timeIntervalSince1970), userDN: delivery.account.dn)
            let token = ProlongationToken.token(fromBase64: deps.signer.signatureBase64(of: message))
            try await deps.tokens.store(StoredProlongationToken(uid: uid, userDN: delivery.account.dn, token: token, expiresAt: expiresAt))
            return .success(token)
        } catch let error as DirectoryError where error.isConnectivity {
            return .failure(Refused(value: .deferred("the token could not be written: \(error.message)")))
        } catch let error as DirectoryError {
            return .failure(Refused(value: .failed("the token could not be written: \(error.message)")))
        } catch {
            return .failure(Refused(value: .deferred("the token could not be written: \(error)")))
        }
    }

    public func preview(_ item: WorkItem, in plan: Plan) async -> (RunReport.Outcome, String?) {
        await preview(together: [item], in: plan)
    }

    public func preview(together items: [WorkItem], in plan: Plan) async -> (RunReport.Outcome, String?) {
        guard let delivery = delivery(for: items, in: plan) else { return (.wouldFail, "the main task, its template or the user is missing") }
        var detail = "reminder \"\(delivery.mail.subject)\" to \(delivery.mail.recipient), \(delivery.reminder.callDays)-day window, expires on \(delivery.reminder.expiry)"
        if delivery.carriesLink, case .orchestrator = deps.links {
            detail += ", with link (would record a single-use link served by this service)"
        } else if delivery.carriesLink, let uid = delivery.account.uid {
            let existing = try? await deps.tokens.token(forUID: uid)
            let reused = existing?.isValid(for: delivery.account.dn, at: deps.delivery.clock.now()) == true
            detail += reused ? ", with link (reuses the valid token cn=\(uid),ou=tokens)" : ", with link (would write token cn=\(uid),ou=tokens)"
        } else {
            detail += ", no link"
        }
        if items.count > 1 { detail += "; one message for \(items.count) due calls" }
        return (.wouldApply, detail)
    }

    public func finish(_ summary: RunReport.Summary, in plan: Plan, context: RunContext) async throws {
        try await deps.delivery.finish(summary, configuration: plan.configuration)
    }
}
