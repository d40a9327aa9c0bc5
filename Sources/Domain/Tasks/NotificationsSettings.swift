/// `fdTasksNotifications`: tell recipients when monitored users' attributes changed
/// (spec §1.1, §8.3).
public struct NotificationsSettings: Sendable, Equatable {
    /// fdTasksNotificationsAttributes as stored (MUST); may hold FD's `None` placeholder.
    public var attributes: [String]
    /// fdTasksNotificationsRecipientsMembers: DNs chosen in FD.
    public var recipientMembers: [String]
    /// fdTasksNotificationsListOfRecipientsMails: their addresses.
    public var recipientMails: [String]
    /// fdTasksNotificationsMonitoredMembers: DNs whose changes are watched.
    public var monitoredMembers: [String]
    /// fdTasksNotificationsMailTemplate: template cn (MUST).
    public var templateCN: String?
    /// fdTasksNotificationsEmailSender (MUST).
    public var senders: [String]
    /// Resource/State/SubState: a supann state whose appearance also triggers a notification.
    public var trigger: SupannStateSetting

    public init(
        attributes: [String] = [], recipientMembers: [String] = [], recipientMails: [String] = [],
        monitoredMembers: [String] = [], templateCN: String? = nil, senders: [String] = [],
        trigger: SupannStateSetting = .none
    ) {
        self.attributes = attributes
        self.recipientMembers = recipientMembers
        self.recipientMails = recipientMails
        self.monitoredMembers = monitoredMembers
        self.templateCN = templateCN
        self.senders = senders
        self.trigger = trigger
    }

    init(reading reader: inout EntryReader) {
        let trigger = SupannStateSetting(
            resource: reader.text("fdTasksNotificationsResource"),
            state: reader.text("fdTasksNotificationsState"),
            subState: reader.text("fdTasksNotificationsSubState"),
            attributePrefix: "fdTasksNotifications"
        )
        if case let .invalid(reason) = trigger { reader.report(reason) }
        self.init(
            attributes: reader.list("fdTasksNotificationsAttributes", required: true),
            recipientMembers: reader.list("fdTasksNotificationsRecipientsMembers", required: true),
            recipientMails: reader.list("fdTasksNotificationsListOfRecipientsMails", required: true),
            monitoredMembers: reader.list("fdTasksNotificationsMonitoredMembers", required: true),
            templateCN: reader.text("fdTasksNotificationsMailTemplate", required: true),
            senders: reader.list("fdTasksNotificationsEmailSender", required: true),
            trigger: trigger
        )
    }

    /// The attribute names to watch, without FD's `None` placeholder. LDAP attribute names
    /// are case-insensitive, so callers should compare them case-insensitively (PHP did not,
    /// spec §10 #37).
    public var monitoredAttributes: [String] {
        attributes.filter { $0.lowercased() != "none" }
    }
}
