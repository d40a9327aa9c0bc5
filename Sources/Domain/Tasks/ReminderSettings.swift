/// `fdTasksReminder`: warn users before an account expires, optionally with a prolongation
/// link (spec §1.1, §8.4).
public struct ReminderSettings: Sendable, Equatable {
    /// fdTasksReminderFirstCall: days before expiry of the first reminder (MUST, FD default 30).
    public var firstCallDays: Int?
    /// fdTasksReminderSecondCall: days before expiry of the second one (FD default 15; may be absent).
    public var secondCallDays: Int?
    /// fdTasksReminderMailTemplate: template cn (MUST).
    public var templateCN: String?
    /// fdTasksReminderEmailSender (MUST).
    public var senders: [String]
    /// Resource/State/SubState whose end date is watched; `.none` means "watch shadowExpire".
    public var monitored: SupannStateSetting
    /// fdTasksReminderAccountProlongation; nil when absent (PHP then left the sub-task
    /// untouched forever, spec §10 #26 — callers decide explicitly).
    public var accountProlongation: Bool?
    /// fdTasksReminderPosix: prolongation also extends shadowExpire (absent = FALSE).
    public var posix: Bool
    /// NextResource/NextState/NextSubState: the state FD's prolongation page writes.
    public var next: SupannStateSetting
    /// fdTasksReminderSupannNewEndDate: days the prolongation adds.
    public var newEndDays: Int?
    /// fdTasksReminderMembers: monitored DNs (MUST).
    public var members: [String]
    /// fdTasksReminderRecipientsMembers: "forward to" DNs.
    public var recipientMembers: [String]
    /// fdTasksReminderListOfRecipientsMails: their addresses.
    public var recipientMails: [String]

    public init(
        firstCallDays: Int? = nil, secondCallDays: Int? = nil, templateCN: String? = nil, senders: [String] = [],
        monitored: SupannStateSetting = .none, accountProlongation: Bool? = nil, posix: Bool = false,
        next: SupannStateSetting = .none, newEndDays: Int? = nil, members: [String] = [],
        recipientMembers: [String] = [], recipientMails: [String] = []
    ) {
        self.firstCallDays = firstCallDays
        self.secondCallDays = secondCallDays
        self.templateCN = templateCN
        self.senders = senders
        self.monitored = monitored
        self.accountProlongation = accountProlongation
        self.posix = posix
        self.next = next
        self.newEndDays = newEndDays
        self.members = members
        self.recipientMembers = recipientMembers
        self.recipientMails = recipientMails
    }

    init(reading reader: inout EntryReader) {
        let monitoredResource = reader.text("fdTasksReminderResource", required: true)
        let monitored = SupannStateSetting(
            resource: monitoredResource,
            state: reader.text("fdTasksReminderState"),
            subState: reader.text("fdTasksReminderSubState"),
            attributePrefix: "fdTasksReminder"
        )
        let next = SupannStateSetting(
            resource: reader.text("fdTasksReminderNextResource"),
            state: reader.text("fdTasksReminderNextState"),
            subState: reader.text("fdTasksReminderNextSubState"),
            attributePrefix: "fdTasksReminderNext"
        )
        for case let .invalid(reason) in [monitored, next] { reader.report(reason) }
        self.init(
            firstCallDays: reader.dayCount("fdTasksReminderFirstCall", required: true),
            secondCallDays: reader.dayCount("fdTasksReminderSecondCall"),
            templateCN: reader.text("fdTasksReminderMailTemplate", required: true),
            senders: reader.list("fdTasksReminderEmailSender", required: true),
            monitored: monitored,
            accountProlongation: reader.boolean("fdTasksReminderAccountProlongation"),
            posix: reader.boolean("fdTasksReminderPosix") ?? false,
            next: next,
            newEndDays: reader.dayCount("fdTasksReminderSupannNewEndDate"),
            members: reader.list("fdTasksReminderMembers", required: true),
            recipientMembers: reader.list("fdTasksReminderRecipientsMembers"),
            recipientMails: reader.list("fdTasksReminderListOfRecipientsMails")
        )
    }
}
