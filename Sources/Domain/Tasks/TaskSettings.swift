/// The kind-specific part of a main task: one case per `TaskKind`, each holding every
/// attribute of that kind's object class (spec §1, §1.1).
public enum TaskSettings: Sendable, Equatable {
    case mail(MailTaskSettings)
    case lifeCycle(LifeCycleSettings)
    case notifications(NotificationsSettings)
    case reminder(ReminderSettings)
    case audit(AuditSettings)

    public var kind: TaskKind {
        switch self {
        case .mail: .mail
        case .lifeCycle: .lifeCycle
        case .notifications: .notifications
        case .reminder: .reminder
        case .audit: .audit
        }
    }

    static func read(_ kind: TaskKind, from reader: inout EntryReader) -> TaskSettings {
        switch kind {
        case .mail: .mail(MailTaskSettings(reading: &reader))
        case .lifeCycle: .lifeCycle(LifeCycleSettings(reading: &reader))
        case .notifications: .notifications(NotificationsSettings(reading: &reader))
        case .reminder: .reminder(ReminderSettings(reading: &reader))
        case .audit: .audit(AuditSettings(reading: &reader))
        }
    }
}

/// `fdTasksMail`: a mail sent from a template to a list of users (spec §1.1).
public struct MailTaskSettings: Sendable, Equatable {
    /// fdTasksMailObject: cn of the mail template (MUST).
    public var templateCN: String?
    /// fdTasksEmailSender (MUST; FD's default is the placeholder `to.be@chang.ed`).
    public var senders: [String]
    /// fdTasksEmailBCC.
    public var bcc: [String]
    /// fdTasksMailUsers: DNs of the users, groups and roles chosen in FD.
    public var users: [String]
    /// fdTasksEmailsFromDN: the addresses FD computed from `users`.
    public var emails: [String]
    /// fdTasksMailType: the attribute addresses were taken from (`mail`, `supannMailPerso`, …).
    public var mailType: String?

    public init(
        templateCN: String? = nil, senders: [String] = [], bcc: [String] = [], users: [String] = [],
        emails: [String] = [], mailType: String? = nil
    ) {
        self.templateCN = templateCN
        self.senders = senders
        self.bcc = bcc
        self.users = users
        self.emails = emails
        self.mailType = mailType
    }

    init(reading reader: inout EntryReader) {
        self.init(
            templateCN: reader.text("fdTasksMailObject", required: true),
            senders: reader.list("fdTasksEmailSender", required: true),
            bcc: reader.list("fdTasksEmailBCC"),
            users: reader.list("fdTasksMailUsers"),
            emails: reader.list("fdTasksEmailsFromDN"),
            mailType: reader.text("fdTasksMailType")
        )
    }
}

/// `fdAuditTasks`: deletion of audit events older than a retention period.
public struct AuditSettings: Sendable, Equatable {
    /// fdAuditTasksRetention in days (MUST; FD's default is `0`). Nil when missing or unreadable.
    public var retentionDays: Int?
    /// Why `retentionDays` is nil when the value is present but unreadable (`30 days`, `1.5`).
    public var retentionProblem: String?

    public init(retentionDays: Int?, retentionProblem: String? = nil) {
        self.retentionDays = retentionDays
        self.retentionProblem = retentionProblem
    }

    init(reading reader: inout EntryReader) {
        let before = reader.problems.count
        let days = reader.dayCount("fdAuditTasksRetention", required: true)
        self.init(retentionDays: days, retentionProblem: days == nil ? reader.problems.dropFirst(before).first : nil)
    }

    /// The retention rule, when the setting is usable.
    public var retention: AuditRetention? {
        try? retentionRule().get()
    }

    /// The retention rule, or why this task cannot expire anything: fdAuditTasksRetention
    /// missing, not a whole number of days, or 0 (PHP deleted every event then, spec §10 #33).
    public func retentionRule() -> Result<AuditRetention, AuditRetentionRefusal> {
        guard let retentionDays else {
            return .failure(AuditRetentionRefusal(reason: retentionProblem ?? "fdAuditTasksRetention is missing"))
        }
        do throws(DomainError) {
            return .success(try AuditRetention(days: retentionDays))
        } catch {
            return .failure(AuditRetentionRefusal(reason: error.message))
        }
    }
}

/// Why an audit task's retention cannot be used; its sub-task fails with `reason` and nothing is deleted.
public struct AuditRetentionRefusal: Error, Sendable, Equatable {
    public let reason: String

    public init(reason: String) {
        self.reason = reason
    }
}
