import Foundation

/// The anti-spam settings of `fdTasksConf` (spec §1, §7): how many mails one run may send
/// and how long to wait after the last send.
public struct TasksConfiguration: Sendable, Equatable {
    /// FD's default when fdTasksConfMaxEmails is absent.
    public static let defaultMaxEmails = 50

    /// fdTasksConfMaxEmails: messages per run; 0 means unlimited (PHP's `==` never matched 0).
    public var maxEmails: Int
    /// fdTasksConfIntervalEmails: minutes to wait after the last send; 0 = no wait.
    public var intervalMinutes: Int
    /// fdTasksConfLastExecTime: when a mail was last sent.
    public var lastExecTime: Date?

    public init(maxEmails: Int = defaultMaxEmails, intervalMinutes: Int = 0, lastExecTime: Date? = nil) {
        self.maxEmails = maxEmails
        self.intervalMinutes = intervalMinutes
        self.lastExecTime = lastExecTime
    }

    init(reading reader: inout EntryReader) {
        self.init(
            maxEmails: Self.count(&reader, "fdTasksConfMaxEmails") ?? Self.defaultMaxEmails,
            intervalMinutes: Self.count(&reader, "fdTasksConfIntervalEmails") ?? 0,
            lastExecTime: reader.parsed("fdTasksConfLastExecTime") { value throws(DomainError) in
                try UnixTime.parse(value, attribute: "fdTasksConfLastExecTime")
            }
        )
    }

    private static func count(_ reader: inout EntryReader, _ attribute: String) -> Int? {
        reader.parsed(attribute) { value throws(DomainError) in
            guard let number = parseDecimal(value), number <= 10_000_000 else {
                throw .invalidValue(attribute: attribute, value: value, reason: "expected a non-negative integer")
            }
            return number
        }
    }

    /// If sending is still blocked by the interval, the instant it is allowed again.
    ///
    /// Blocked iff `lastExecTime + intervalMinutes × 60 > now` (spec §8.1). PHP checked this in
    /// the Mail run only; callers should apply it to every run that sends mail (§10 #20).
    public func intervalBlocks(now: Date) -> Date? {
        guard intervalMinutes > 0, let lastExecTime else { return nil }
        let allowed = lastExecTime.addingTimeInterval(TimeInterval(intervalMinutes) * 60)
        return allowed > now ? allowed : nil
    }

    /// A fresh budget for one run.
    public func mailBudget() -> MailBudget {
        MailBudget(limit: maxEmails)
    }
}

/// How many more messages a run may send (spec §7, bug §10 #20 fixed).
///
/// Counts messages actually *sent* (one per recipient), not sub-tasks processed: PHP counted
/// failures too and compared with `==`, so a group of several recipients could jump over the
/// limit. `canSend(_:)` lets a caller refuse a group that would exceed it.
public struct MailBudget: Sendable, Equatable {
    /// Maximum messages; 0 = unlimited.
    public let limit: Int
    public private(set) var sent: Int

    public init(limit: Int, sent: Int = 0) {
        self.limit = max(0, limit)
        self.sent = max(0, sent)
    }

    public var isUnlimited: Bool { limit == 0 }

    /// Messages still allowed; nil when unlimited.
    public var remaining: Int? {
        isUnlimited ? nil : max(0, limit - sent)
    }

    public var canSendMore: Bool { canSend(1) }

    /// Whether `count` more messages fit in the budget.
    public func canSend(_ count: Int) -> Bool {
        isUnlimited || sent + max(0, count) <= limit
    }

    /// Records `count` messages that were accepted by the mail server.
    public mutating func recordSent(_ count: Int = 1) {
        sent += max(0, count)
    }
}
